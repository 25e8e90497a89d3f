/** The benchmark's declarations for manifest discovery (`config/bench.yaml`). */
import { BenchNote, BenchRecord, BenchUser } from './models.ts';
import { OpsApi, PreviewPricing } from './pricing.ts';
import { GetRecord, ListRecords, RecordsApi } from './records.ts';
import { CreateBenchUser, UsersApi } from './users.ts';

export const MODELS = [BenchUser, BenchRecord, BenchNote];
export const USE_CASES = [GetRecord, ListRecords, PreviewPricing, CreateBenchUser];
export const JOBS = [];
export const CALLBACKS = [];
export const INTERFACES = [OpsApi, RecordsApi, UsersApi];
