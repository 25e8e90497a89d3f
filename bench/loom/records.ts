import {
  autoCrud,
  NotFound,
  restInterface,
  route,
  t,
  useCase,
} from '../../packages/loom/test/support/internals.ts';
import { BenchRecord } from './models.ts';

/** `GET /bench/records/{id}[?profile=with_details]`: one record in the requested profile. */
export const GetRecord = useCase(BenchRecord, {
  name: 'getBenchRecord',
  summary: 'Get a record (profiles: summary, with_details)',
  params: { id: t.Integer({ minimum: 1, maximum: 2147483647 }), profile: t.String() },
  readOnly: true,
  execute: async ({ params, repo }) => {
    const record = await repo.getById(params.id, { profile: params.profile });
    if (record === null) throw new NotFound('BenchRecord', params.id);
    return record;
  },
});

/** `GET /bench/records?pagination=cursor|offset&…`: a page of records with `hasNotes`. */
export const ListRecords = useCase(BenchRecord, {
  name: 'listBenchRecords',
  summary: 'List records with hasNotes',
  params: { profile: t.String() },
  query: true,
  readOnly: true,
  execute: ({ query, repo, params }) => repo.list(query, { profile: params.profile }),
});

/**
 * `/bench/records`: get by id in two profiles, the list (cursor by default, offset on request) and the
 * auto-CRUD update (`PATCH /{id}`: one `UPDATE … RETURNING`, the default profile back).
 */
export const RecordsApi = restInterface(BenchRecord, {
  prefix: '/bench/records',
  tags: ['Records'],
  pagination: 'cursor',
  routes: [
    route.get('/{id}', GetRecord, {
      profiles: { allowed: ['with_details'], default: 'summary' },
      response: 'entity',
    }),
    route.get('/', ListRecords, { profiles: { allowed: [], default: 'summary' }, response: 'page' }),
    ...autoCrud(BenchRecord, { include: ['update'] }),
  ],
});
