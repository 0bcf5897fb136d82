import { expect } from '@open-wc/testing';
import { clusterBox, gridNeighbours, layoutMarkers, naiveNeighbours, near, placePin, type Box, type LayoutOptions, type PinInput } from './cluster.ts';

const OPTIONS: LayoutOptions = { width: 800, height: 500, pinSize: 32, clusterSize: 40, gap: 2 };

/** A seeded generator: the same points every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

function points(n: number, seed: number, crowd = 0): PinInput[] {
  const next = random(seed);
  return Array.from({ length: n }, (_, i) =>
    i < crowd ? { id: `c${i}`, x: 0.4 + next() * 0.04, y: 0.4 + next() * 0.04 } : { id: `p${i}`, x: next(), y: next() },
  );
}

const inside = (b: Box, o: LayoutOptions) => b.left >= -1e-9 && b.top >= -1e-9 && b.right <= o.width + 1e-9 && b.bottom <= o.height + 1e-9;

describe('cluster: placePin', () => {
  it('puts the tip on the point, the body up and right of it', () => {
    expect(placePin(100, 200, 32, 800, 500)).to.deep.equal({ tip: 'bottom-left', box: { left: 100, top: 168, right: 132, bottom: 200 } });
  });
  it('turns the body inward at the edges, the tip staying on the point', () => {
    expect(placePin(800, 200, 32, 800, 500)).to.deep.equal({ tip: 'bottom-right', box: { left: 768, top: 168, right: 800, bottom: 200 } });
    expect(placePin(10, 0, 32, 800, 500)).to.deep.equal({ tip: 'top-left', box: { left: 10, top: 0, right: 42, bottom: 32 } });
    expect(placePin(790, 5, 32, 800, 500)).to.deep.equal({ tip: 'top-right', box: { left: 758, top: 5, right: 790, bottom: 37 } });
    expect(placePin(0, 500, 32, 800, 500).tip).to.equal('bottom-left');
  });
});

describe('cluster: clusterBox and near', () => {
  it('centres a cluster on its point and moves it inside the image', () => {
    expect(clusterBox(400, 250, 40, 800, 500)).to.deep.equal({ left: 380, top: 230, right: 420, bottom: 270 });
    expect(clusterBox(5, 495, 40, 800, 500)).to.deep.equal({ left: 0, top: 460, right: 40, bottom: 500 });
  });
  it('counts boxes closer than the gap as overlapping, not those the gap apart', () => {
    const a = { left: 0, top: 0, right: 10, bottom: 10 };
    expect(near(a, { left: 11, top: 0, right: 21, bottom: 10 }, 2)).to.equal(true);
    expect(near(a, { left: 12, top: 0, right: 22, bottom: 10 }, 2)).to.equal(false);
    expect(near(a, { left: 5, top: 12, right: 15, bottom: 22 }, 2)).to.equal(false);
  });
});

describe('cluster: layoutMarkers', () => {
  it('leaves markers that do not overlap alone, in the order given', () => {
    const placed = layoutMarkers([{ id: 'a', x: 0.1, y: 0.5 }, { id: 'b', x: 0.5, y: 0.5 }, { id: 'c', x: 0.9, y: 0.5 }], OPTIONS);
    expect(placed.map((p) => (p.kind === 'marker' ? p.id : 'cluster'))).to.deep.equal(['a', 'b', 'c']);
  });

  it('draws overlapping markers as one cluster at their mean, listing them in order', () => {
    const placed = layoutMarkers([{ id: 'a', x: 0.5, y: 0.5 }, { id: 'far', x: 0.05, y: 0.9 }, { id: 'b', x: 0.51, y: 0.51 }], OPTIONS);
    expect(placed).to.have.length(2);
    const cluster = placed.find((p) => p.kind === 'cluster');
    expect(cluster).to.deep.equal({ kind: 'cluster', ids: ['a', 'b'], box: clusterBox(404, 252.5, 40, 800, 500) });
  });

  it('merges again when a new cluster touches a neighbour, until nothing overlaps', () => {
    // a and b merge; their cluster (40 px, centred on y 250) reaches below them, to c's pin 8 px under a's.
    const pins = [{ id: 'a', x: 0.5, y: 0.5 }, { id: 'b', x: 0.52, y: 0.5 }, { id: 'c', x: 0.5, y: 0.58 }];
    expect(layoutMarkers(pins.slice(0, 1).concat(pins.slice(2)), OPTIONS)).to.have.length(2, 'a and c alone do not overlap');
    const placed = layoutMarkers(pins, OPTIONS);
    expect(placed).to.deep.equal([{ kind: 'cluster', ids: ['a', 'b', 'c'], box: placed[0]!.box }]);
  });

  for (const [label, n, crowd, options] of [
    ['60 with 20 close together', 60, 20, OPTIONS],
    ['500 spread', 500, 0, OPTIONS],
    ['500 with 200 close together on a phone', 500, 200, { width: 343, height: 228, pinSize: 44, clusterSize: 55, gap: 2 }],
    ['a picture smaller than the markers are numerous', 120, 0, { width: 200, height: 100, pinSize: 32, clusterSize: 40, gap: 2 }],
  ] as const) {
    it(`${label}: each id once, nothing closer than the gap, everything inside the image`, () => {
      const pins = points(n, n + crowd, crowd);
      const placed = layoutMarkers(pins, options);
      const ids = placed.flatMap((p) => (p.kind === 'marker' ? [p.id] : [...p.ids]));
      expect(ids.slice().sort()).to.deep.equal(pins.map((p) => p.id).sort());
      for (let i = 0; i < placed.length; i++) {
        expect(inside(placed[i]!.box, options), `item ${i} inside`).to.equal(true);
        for (let j = i + 1; j < placed.length; j++) expect(near(placed[i]!.box, placed[j]!.box, options.gap), `items ${i} and ${j}`).to.equal(false);
      }
      for (const p of placed) if (p.kind === 'cluster') expect(p.ids.length).to.be.at.least(2);
    });
  }

  it('the grid finds exactly what the O(n²) peer finds', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const pins = points(50 + seed * 10, seed, seed * 3);
      const size = 24 + (seed % 4) * 8;
      const options = { width: 300 + seed * 20, height: 200 + seed * 10, pinSize: size, clusterSize: Math.round(size * 1.25), gap: 2 };
      expect(layoutMarkers(pins, options, gridNeighbours)).to.deep.equal(layoutMarkers(pins, options, naiveNeighbours), `seed ${seed}`);
    }
  });

  it('puts a point off the image (a stale or clamped value) on its edge', () => {
    const [p] = layoutMarkers([{ id: 'a', x: 1.5, y: -0.2 }], OPTIONS);
    expect(p).to.deep.equal({ kind: 'marker', id: 'a', tip: 'top-right', box: { left: 768, top: 0, right: 800, bottom: 32 } });
  });
});
