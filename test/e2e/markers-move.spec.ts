// Moving a marker (issue 11, point 1): dragged with a mouse, dragged with a finger on a phone,
// moved from the keyboard; each time the other browser sees it move live, and the pin's tip
// lands on the point.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { PHONE, axeViolations, chatOf, layoutOf, markersOf, openImage, pointAt, stored, tipOf, uniqueImage } from './marker-helpers.ts';

/** Clicks (taps) the image at fractions (fx, fy) and sends `text` from the composer; waits until it is stored. */
async function place(page: Page, fx: number, fy: number, text: string, tap = false): Promise<string> {
  const overlay = chatOf(page).locator('[part~="overlay"]');
  const box = (await overlay.boundingBox())!;
  const position = { x: Math.round(box.width * fx), y: Math.round(box.height * fy) };
  if (tap) await overlay.tap({ position });
  else await overlay.click({ position });
  const composer = chatOf(page).locator('[part~="composer"]');
  await composer.fill(text);
  await composer.press('Enter');
  await expect(markersOf(page)).toHaveCount(1);
  await expect(markersOf(page).first()).not.toHaveAttribute('data-pending', '');
  return (await markersOf(page).first().getAttribute('data-chat-id'))!;
}

/** The fraction of the image a marker's tip is at, in this page. */
async function tipFraction(page: Page, id: string): Promise<{ x: number; y: number }> {
  const l = await layoutOf(page);
  const m = l.markers.find((k) => k.id === id);
  if (!m) throw new Error(`marker ${id} is not drawn`);
  const t = tipOf(m);
  return { x: (t.x - l.overlay.left) / (l.overlay.right - l.overlay.left), y: (t.y - l.overlay.top) / (l.overlay.bottom - l.overlay.top) };
}

/** Waits until the marker's tip is at (x, y) of the image, within a pixel. */
async function expectTipAt(page: Page, id: string, x: number, y: number): Promise<void> {
  await expect
    .poll(async () => {
      const l = await layoutOf(page);
      const m = l.markers.find((k) => k.id === id);
      if (!m) return Infinity;
      const want = pointAt(l.overlay, x, y);
      const tip = tipOf(m);
      return Math.max(Math.abs(tip.x - want.x), Math.abs(tip.y - want.y));
    })
    .toBeLessThanOrEqual(1);
}

test('a marker dragged with the mouse moves for the other browser too; a click still opens it; Escape cancels a drag', async ({ browser, server }) => {
  const image = uniqueImage('drag');
  const a = await openImage(browser, server.url, { name: 'Ada', image });
  const b = await openImage(browser, server.url, { name: 'Bo', image });
  const id = await place(a, 0.3, 0.4, 'Move me a little');
  await expect(markersOf(b)).toHaveCount(1);

  // The tip sits on the point clicked, in both browsers.
  const [first] = await stored(server.url, image);
  await expectTipAt(a, id, first!.x, first!.y);
  await expectTipAt(b, id, first!.x, first!.y);
  expect(Math.abs(first!.x - 0.3)).toBeLessThan(0.01);

  // Drag 60 px right and 40 px down, grabbing the marker off its tip: the tip moves by the same amount.
  const l = await layoutOf(a);
  const m = l.markers[0]!;
  const grab = { x: (m.left + m.right) / 2, y: (m.top + m.bottom) / 2 };
  await a.mouse.move(grab.x, grab.y);
  await a.mouse.down();
  await a.mouse.move(grab.x + 30, grab.y + 20, { steps: 3 });
  await a.mouse.move(grab.x + 60, grab.y + 40, { steps: 3 });
  await expect(markersOf(a).first()).toHaveAttribute('data-moving', '');
  await a.mouse.up();
  const width = l.overlay.right - l.overlay.left;
  const height = l.overlay.bottom - l.overlay.top;
  const want = { x: first!.x + 60 / width, y: first!.y + 40 / height };
  await expect.poll(async () => (await stored(server.url, image))[0]!.x).toBeCloseTo(want.x, 2);
  expect((await stored(server.url, image))[0]!.y).toBeCloseTo(want.y, 2);
  await expectTipAt(a, id, want.x, want.y);
  await expectTipAt(b, id, want.x, want.y);
  // The click that ended the drag opened nothing.
  await expect(chatOf(a).locator('[part~="thread"]')).toHaveCount(0);

  // A click (a press that barely moves) still opens the thread.
  const now = (await layoutOf(a)).markers[0]!;
  await a.mouse.move((now.left + now.right) / 2, (now.top + now.bottom) / 2);
  await a.mouse.down();
  await a.mouse.move((now.left + now.right) / 2 + 2, (now.top + now.bottom) / 2 + 1);
  await a.mouse.up();
  await expect(chatOf(a).locator('[part~="thread"]')).toBeVisible();
  await chatOf(a).locator('[part~="thread"] .close').click();

  // Escape during a drag puts it back; nothing is sent.
  const before = await stored(server.url, image);
  await a.mouse.move((now.left + now.right) / 2, (now.top + now.bottom) / 2);
  await a.mouse.down();
  await a.mouse.move((now.left + now.right) / 2 - 80, (now.top + now.bottom) / 2 - 50, { steps: 4 });
  await a.keyboard.press('Escape');
  await a.mouse.up();
  await expectTipAt(a, id, want.x, want.y);
  await expect(chatOf(a).locator('[data-announce]')).toContainText('Move cancelled');
  expect(await stored(server.url, image)).toEqual(before);

  // Bo did not write it: Bo's marker cannot be dragged.
  await expect(markersOf(b).first()).not.toHaveAttribute('data-movable', '');
  await a.context().close();
  await b.context().close();
});

test('a marker dragged with a finger on a phone moves for a desktop browser live', async ({ browser, server }) => {
  const image = uniqueImage('touch');
  const phone = await openImage(browser, server.url, { name: 'Pia', image, context: await browser.newContext(PHONE) });
  const desk = await openImage(browser, server.url, { name: 'Dan', image });
  const id = await place(phone, 0.25, 0.5, 'Dragged on a phone', true);
  const [first] = await stored(server.url, image);
  await expectTipAt(phone, id, first!.x, first!.y);

  // Touch targets: the marker is at least 44 × 44 px on a touch screen.
  const m = (await layoutOf(phone)).markers[0]!;
  expect(m.right - m.left).toBeGreaterThanOrEqual(44);
  expect(m.bottom - m.top).toBeGreaterThanOrEqual(44);

  const l = await layoutOf(phone);
  const start = { x: (m.left + m.right) / 2, y: (m.top + m.bottom) / 2 };
  const cdp = await phone.context().newCDPSession(phone);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: start.x, y: start.y }] });
  for (let i = 1; i <= 6; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: start.x + i * 10, y: start.y - i * 4 }] });
  }
  await expect(markersOf(phone).first()).toHaveAttribute('data-moving', '');
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  const want = { x: first!.x + 60 / (l.overlay.right - l.overlay.left), y: first!.y - 24 / (l.overlay.bottom - l.overlay.top) };
  await expect.poll(async () => (await stored(server.url, image))[0]!.x).toBeCloseTo(want.x, 2);
  expect((await stored(server.url, image))[0]!.y).toBeCloseTo(want.y, 2);
  await expectTipAt(phone, id, want.x, want.y);
  await expectTipAt(desk, id, want.x, want.y);
  await expect(chatOf(phone).locator('[part~="thread"]')).toHaveCount(0);
  await phone.context().close();
  await desk.context().close();
});

test('a marker moved from the keyboard (M, arrows, Shift+arrow, Enter) moves for the other browser, announced', async ({ browser, server }) => {
  const image = uniqueImage('keys');
  const a = await openImage(browser, server.url, { name: 'Ada', image });
  const b = await openImage(browser, server.url, { name: 'Bo', image });
  const id = await place(a, 0.5, 0.5, 'Moved by keys');
  await expect(markersOf(b)).toHaveCount(1);
  const [first] = await stored(server.url, image);
  const marker = markersOf(a).first();
  await marker.focus();
  await expect(marker).toHaveAttribute('aria-describedby', /.+/);
  await a.keyboard.press('m');
  await expect(chatOf(a).locator('[data-announce]')).toContainText('Moving conversation 1');
  await expect(marker).toHaveAttribute('data-moving', '');
  expect(await axeViolations(a)).toEqual([]);
  for (let i = 0; i < 3; i++) await a.keyboard.press('ArrowRight');
  await a.keyboard.press('Shift+ArrowUp');
  await expect(chatOf(a).locator('[data-announce]')).toContainText('% across');
  await a.keyboard.press('Enter');
  await expect(chatOf(a).locator('[data-announce]')).toContainText('Conversation 1 moved to');
  const want = { x: first!.x + 0.03, y: first!.y - 0.1 };
  await expect.poll(async () => (await stored(server.url, image))[0]!.x).toBeCloseTo(want.x, 6);
  expect((await stored(server.url, image))[0]!.y).toBeCloseTo(want.y, 6);
  await expectTipAt(b, id, want.x, want.y);
  await expectTipAt(a, id, want.x, want.y);
  // Enter dropped it and opened nothing; focus stayed on the marker.
  await expect(chatOf(a).locator('[part~="thread"]')).toHaveCount(0);
  await expect(marker).toBeFocused();

  // Alt+arrow moves at once; Escape puts it back.
  await a.keyboard.press('Alt+ArrowDown');
  await a.keyboard.press('Escape');
  await expect(chatOf(a).locator('[data-announce]')).toContainText('Move cancelled');
  await expectTipAt(a, id, want.x, want.y);
  expect((await stored(server.url, image))[0]!.y).toBeCloseTo(want.y, 6);
  await a.context().close();
  await b.context().close();
});
