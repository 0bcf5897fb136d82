import { expect } from '@open-wc/testing';
import { contentRect, parseObjectFit, parseObjectPosition, type ObjectFit, type Rect } from './geometry.ts';
import { fractionToPoint, nudge, placePopup, pointToFraction } from './fractions.ts';

describe('geometry: contentRect', () => {
  const cases: [string, { width: number; height: number }, { width: number; height: number }, ObjectFit, Rect][] = [
    ['fill stretches', { width: 400, height: 300 }, { width: 200, height: 100 }, 'fill', { x: 0, y: 0, width: 400, height: 300 }],
    ['contain, wide image: bars top and bottom', { width: 400, height: 400 }, { width: 200, height: 100 }, 'contain', { x: 0, y: 100, width: 400, height: 200 }],
    ['contain, tall image: bars left and right', { width: 400, height: 200 }, { width: 100, height: 200 }, 'contain', { x: 150, y: 0, width: 100, height: 200 }],
    ['cover crops', { width: 400, height: 400 }, { width: 200, height: 100 }, 'cover', { x: -200, y: 0, width: 800, height: 400 }],
    ['none keeps natural size, centred', { width: 400, height: 400 }, { width: 200, height: 100 }, 'none', { x: 100, y: 150, width: 200, height: 100 }],
    ['scale-down of a small image = none', { width: 400, height: 400 }, { width: 200, height: 100 }, 'scale-down', { x: 100, y: 150, width: 200, height: 100 }],
    ['scale-down of a big image = contain', { width: 100, height: 100 }, { width: 400, height: 200 }, 'scale-down', { x: 0, y: 25, width: 100, height: 50 }],
    ['unknown natural size = fill', { width: 100, height: 50 }, { width: 0, height: 0 }, 'contain', { x: 0, y: 0, width: 100, height: 50 }],
  ];
  for (const [name, box, natural, fit, expected] of cases) {
    it(name, () => expect(contentRect(box, natural, fit)).to.deep.equal(expected));
  }

  it('honours object-position', () => {
    const r = contentRect({ width: 400, height: 400 }, { width: 200, height: 100 }, 'contain', parseObjectPosition('left top'));
    expect(r).to.deep.equal({ x: 0, y: 0, width: 400, height: 200 });
    const b = contentRect({ width: 400, height: 400 }, { width: 200, height: 100 }, 'contain', parseObjectPosition('0px 100%'));
    expect(b).to.deep.equal({ x: 0, y: 200, width: 400, height: 200 });
    const p = contentRect({ width: 400, height: 400 }, { width: 200, height: 100 }, 'none', parseObjectPosition('10px 20px'));
    expect(p).to.deep.equal({ x: 10, y: 20, width: 200, height: 100 });
  });

  it('parses object-fit and object-position values', () => {
    expect(parseObjectFit('contain')).to.equal('contain');
    expect(parseObjectFit('')).to.equal('fill');
    expect(parseObjectFit('bogus')).to.equal('fill');
    expect(parseObjectPosition('50% 50%')).to.deep.equal({ x: { fraction: 0.5 }, y: { fraction: 0.5 } });
    expect(parseObjectPosition('top right')).to.deep.equal({ x: { fraction: 1 }, y: { fraction: 0 } });
    expect(parseObjectPosition(undefined)).to.deep.equal({ x: { fraction: 0.5 }, y: { fraction: 0.5 } });
  });
});

describe('geometry: points and fractions', () => {
  const rect: Rect = { x: 0, y: 100, width: 400, height: 200 }; // contain letterbox

  const table: [string, { x: number; y: number }, { x: number; y: number } | null][] = [
    ['centre', { x: 200, y: 200 }, { x: 0.5, y: 0.5 }],
    ['top-left corner', { x: 0, y: 100 }, { x: 0, y: 0 }],
    ['bottom-right corner', { x: 400, y: 300 }, { x: 1, y: 1 }],
    ['in the top bar', { x: 200, y: 50 }, null],
    ['in the bottom bar', { x: 200, y: 350 }, null],
    ['left of the content', { x: -5, y: 200 }, null],
  ];
  for (const [name, point, expected] of table) {
    it(`pointToFraction: ${name}`, () => expect(pointToFraction(point, rect)).to.deep.equal(expected));
  }

  it('clamps within the edge tolerance', () => {
    expect(pointToFraction({ x: -1, y: 99 }, rect, 2)).to.deep.equal({ x: 0, y: 0 });
    expect(pointToFraction({ x: -3, y: 200 }, rect, 2)).to.equal(null);
  });

  it('fractionToPoint is the inverse, clamped', () => {
    expect(fractionToPoint({ x: 0.25, y: 0.5 }, rect)).to.deep.equal({ x: 100, y: 200 });
    expect(fractionToPoint({ x: 2, y: -1 }, rect)).to.deep.equal({ x: 400, y: 100 });
    for (const f of [{ x: 0.1, y: 0.9 }, { x: 0.77, y: 0.33 }]) {
      const back = pointToFraction(fractionToPoint(f, rect), rect);
      expect(back?.x).to.be.closeTo(f.x, 1e-9);
      expect(back?.y).to.be.closeTo(f.y, 1e-9);
    }
  });

  it('nudge stays inside 0..1', () => {
    expect(nudge({ x: 0.99, y: 0.005 }, 0.1, -0.01)).to.deep.equal({ x: 1, y: 0 });
  });

  it('placePopup keeps the popup inside the bounds', () => {
    const below = placePopup({ x: 5, y: 10 }, 300, { width: 400, height: 400 });
    expect(below).to.deep.equal({ left: 8, width: 300, top: 30, maxHeight: 362 });
    const above = placePopup({ x: 395, y: 390 }, 300, { width: 400, height: 400 });
    expect(above).to.deep.equal({ left: 92, width: 300, bottom: 30, maxHeight: 362 });
    const narrow = placePopup({ x: 50, y: 50 }, 300, { width: 200, height: 200 });
    expect(narrow.width).to.equal(184);
    expect(narrow.left).to.equal(8);
  });
});
