/** The benchmark's declarations for manifest discovery (`config/bench.yaml`). */
import { DispatchTouch, JobsApi, TouchRecord } from './jobs.ts';
import { BenchNote, BenchRecord, BenchUser } from './models.ts';
import { OpsApi, PreviewPricing } from './pricing.ts';
import { GetRecord, ListRecords, RecordsApi } from './records.ts';
import { CreateBenchUser, UsersApi } from './users.ts';

export const MODELS = [BenchUser, BenchRecord, BenchNote];
export const USE_CASES = [GetRecord, ListRecords, PreviewPricing, CreateBenchUser, DispatchTouch];
export const JOBS = [TouchRecord];
export const CALLBACKS = [];
export const INTERFACES = [OpsApi, RecordsApi, UsersApi, JobsApi];
