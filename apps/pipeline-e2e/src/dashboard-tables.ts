// Helpers of the dashboard's browser tests: waiting for the page, and working its tables (filters,
// the column chooser, rows, the CSV export).
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** Waits until `read` answers what `done` accepts (the page re-renders after the api answers), else fails with the last answer. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read();
  }
  return last;
}

/** An RFC 4180 document (the dashboard's exports) as rows of fields, the UTF-8 byte order mark checked and dropped. */
function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  expect(text.endsWith('\r\n')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

/** Clicks a table's Export CSV and reads the file the browser downloaded. */
export async function exportedCsv(on: Page, tableId: string): Promise<string[][]> {
  const [download] = await Promise.all([on.waitForEvent('download'), on.locator(`#${tableId}-export`).click()]);
  expect(download.suggestedFilename()).toMatch(/^[a-z0-9-]+-\d{8}-\d{6}\.csv$/);
  return parseCsv(readFileSync((await download.path())!, 'utf8'));
}

/** Chooses a value in one of a table's filters (an antd Select above it). */
export async function chooseFilter(on: Page, selectId: string, option: string): Promise<void> {
  await on.locator(`#${selectId}`).click();
  await on.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}

/** Unticks a column in a table's column chooser and checks that its header is gone. */
export async function hideColumn(on: Page, tableId: string, title: string): Promise<void> {
  // Away from the header just clicked, whose sort tooltip would lie over the toolbar.
  await on.mouse.move(0, 0);
  await on.locator(`#${tableId}-columns-button`).click();
  const box = on.getByTestId(`${tableId}-columns`).getByLabel(title, { exact: true });
  // A click that lands while the popover still opens (or the table re-renders its page) may not take:
  // it is clicked again only once the first has had two seconds to show.
  for (let attempt = 0; attempt < 3 && (await box.isChecked()); attempt++) {
    await box.click();
    await until(() => box.isChecked(), (checked) => !checked, `${title} unticked`, 2_000).catch(() => undefined);
  }
  expect(await box.isChecked()).toBe(false);
  await on.locator(`#${tableId}-columns-button`).click();
  await until(() => on.getByTestId(tableId).locator('thead th', { hasText: title }).count(), (n) => n === 0, `${title} hidden`);
}

/** Each shown row's text in a table, in order. */
export const rowTexts = (on: Page, tableId: string) => on.getByTestId(tableId).locator('tbody tr.ant-table-row').allInnerTexts();
