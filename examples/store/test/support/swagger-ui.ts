import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { debianChromium } from './chromium.ts';
import { REPO_ROOT } from './paths.ts';

/** Where the browser tests write their screenshots. */
export const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'swagger-ui');

/** Launches Debian's chromium and opens the store's Swagger UI at `baseUrl`/docs, rendered. */
export async function openDocs(baseUrl: string): Promise<{ browser: Browser; page: Page }> {
  const executablePath = debianChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  await page.goto(`${baseUrl}/docs`);
  await page.locator('.opblock').first().waitFor();
  return { browser, page };
}

/** A reply as Swagger UI renders it under an operation: the status cell and the body. */
export interface Executed {
  readonly status: string;
  readonly body: string;
  /** The curl command Swagger UI shows for the request it sent (its headers included). */
  readonly curl: string;
}

/** The block of one operation (`#operations-<tag>-<operationId>`). */
export const operation = (page: Page, tag: string, operationId: string): Locator =>
  page.locator(`#operations-${tag}-${operationId}`);

/** Expands an operation, presses "Try it out", fills the given fields, presses Execute; the rendered reply. */
export async function execute(
  page: Page,
  tag: string,
  operationId: string,
  fill: { readonly params?: Readonly<Record<string, string>>; readonly body?: string } = {},
): Promise<Executed> {
  const block = operation(page, tag, operationId);
  await block.locator('.opblock-summary-control').click();
  await block.locator('button.try-out__btn').click();
  for (const [name, value] of Object.entries(fill.params ?? {}))
    await block.locator(`tr[data-param-name="${name}"] input`).fill(value);
  if (fill.body !== undefined) await block.locator('textarea.body-param__text').fill(fill.body);
  return pressExecute(block);
}

/**
 * Presses Execute again in an operation already tried out (its fields as they are), after clearing the
 * previous reply so that the one read is the new one.
 */
export async function executeAgain(page: Page, tag: string, operationId: string): Promise<Executed> {
  const block = operation(page, tag, operationId);
  await block.locator('button.btn-clear').click();
  await block.locator('.live-responses-table').waitFor({ state: 'detached' });
  return pressExecute(block);
}

async function pressExecute(block: Locator): Promise<Executed> {
  await block.locator('button.execute').click();
  const live = block.locator('.live-responses-table');
  const status = live.locator('.response .response-col_status').first();
  await status.waitFor();
  const body = live.locator('.response-col_description pre').first();
  await body.waitFor();
  const curl = block.locator('.curl-command .curl').first();
  return {
    status: ((await status.textContent()) ?? '').trim(),
    body: (await body.textContent()) ?? '',
    curl: (await curl.count()) > 0 ? ((await curl.textContent()) ?? '') : '',
  };
}

/**
 * Swagger UI's Authorize flow for an HTTP bearer scheme: the Authorize button, the token typed into the
 * scheme's Value field, its Authorize button, the dialog's "Authorized" state, then Close.
 */
export async function authorizeBearer(page: Page, token: string): Promise<void> {
  await page.locator('.auth-wrapper button.btn.authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.waitFor();
  // The bearer scheme's form (its title says "(http, Bearer)"; the Value field gives way to "******" once authorized).
  const scheme = dialog.locator('.auth-container', {
    has: page.locator('h4', { hasText: '(http, Bearer)' }),
  });
  await scheme.locator('#auth-bearer-value').fill(token);
  await scheme.locator('button.modal-btn.auth.authorize').click();
  await scheme.locator('h6', { hasText: 'Authorized' }).waitFor();
  await dialog.locator('button.modal-btn.auth.btn-done').first().click();
  await dialog.waitFor({ state: 'detached' });
}
