// Run with `npm test` (node --test): the whole app in memory per test, through loom-kernel/testing.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { RuleViolations } from 'loom-kernel';
import {
  createTestApp,
  expectError,
  expectJson,
  expectProblem,
  runUseCase,
  type TestApp,
} from 'loom-kernel/testing';
import * as manifest from '../src/manifest.ts';
import { TaskReminderCallbacks } from '../src/task/callbacks.ts';
import { SendTaskReminder } from '../src/task/jobs.ts';
import { CreateTaskUseCase } from '../src/task/use-cases.ts';

describe('rules, without a database', () => {
  it('a blank title that is also taken is reported once per rule, on the title', async () => {
    const error = await expectError(
      runUseCase(CreateTaskUseCase, { payload: { title: ' ' }, load: { titleTaken: true } }),
      RuleViolations,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['title', 'title'],
    );
  });
});

describe('the API', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp(manifest);
  });
  afterEach(() => app.close());

  it('creates a task (201), reads it back (200), refuses a duplicate title (422)', async () => {
    const { id } = expectJson<{ id: number }>(await app.post('/tasks', { title: 'Write the README' }), 201);
    const task = expectJson<{ title: string; done: boolean }>(await app.get(`/tasks/${id}`), 200);
    assert.deepEqual([task.title, task.done], ['Write the README', false]);
    expectProblem(await app.post('/tasks', { title: 'Write the README' }), {
      status: 422,
      fields: ['title'],
    });
  });

  it('an unknown task is a 404 problem', async () => {
    expectProblem(await app.get('/tasks/999'), { status: 404, code: 'LOOM_NOT_FOUND' });
  });

  it('a reminder runs as a job after commit, and its success callback marks the task', async () => {
    const { id } = expectJson<{ id: number }>(await app.post('/tasks', { title: 'Call the bank' }), 201);
    expectJson(await app.post(`/tasks/${id}/reminders`, {}), 202);
    assert.equal(app.jobs.dispatched(SendTaskReminder).length, 1);
    assert.equal(app.jobs.callbackRuns(TaskReminderCallbacks, 'onSuccess').length, 1);
    assert.equal(expectJson<{ reminded: boolean }>(await app.get(`/tasks/${id}`)).reminded, true);
  });
});
