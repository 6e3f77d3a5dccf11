import { seededRandom } from './prng.ts';

/**
 * Synthetic embeddings with the structure of CLIP image embeddings of a photo
 * library. All share a common direction (CLIP's image embeddings fill a narrow
 * cone: unrelated photos still score about 0.4). Photos belong to a topic (0.55
 * between photos of one topic), to an event, a run of consecutive photos such as a
 * day out (0.7), and within it to a scene, a burst of shots of one subject (0.85).
 * Each photo then varies on its own, mostly along a few directions of its topic, as
 * real embeddings vary along few directions. Event and scene sizes vary.
 */
const TOPICS = 50;
const TOPIC_BASIS = 16;
const MEAN_EVENT = 100;
const MEAN_SCENE = 8;
/** Squared weights of the parts of a photo vector; they sum to 1. */
const COMMON = 0.4;
const TOPIC = 0.15;
const EVENT = 0.15;
const SCENE = 0.15;
const OWN = 0.15;
/** Share of a photo's own variation that lies in its topic's few directions. */
const OWN_IN_TOPIC_BASIS = 0.8;
/** Seeds of the independent streams, offset from the generator's seed. */
const STREAM = { scene: 1_000_003, photo: 2_000_003, text: 3_000_003, query: 4_000_003 };

function unitVector(dim: number, random: () => number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = random() * 2 - 1;
  return normalize(v);
}

function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

function addScaled(out: Float32Array, v: Float32Array, scale: number): void {
  for (let i = 0; i < out.length; i++) out[i] += scale * v[i];
}

/** A run length with the given mean, at least 1: geometric, as bursts and outings are. */
function runLength(mean: number, random: () => number): number {
  return 1 + Math.floor(Math.log(1 - random()) / Math.log(1 - 1 / mean));
}

export type QueryKind = 'text' | 'photo';

export class ClusteredVectors {
  private readonly common: Float32Array;
  /** Where text embeddings sit: CLIP's text and image embeddings occupy separate cones. */
  private readonly textCommon: Float32Array;
  private readonly topics: Float32Array[];
  private readonly bases: Float32Array[][];
  private readonly events: Float32Array[] = [];
  private readonly eventTopics: number[] = [];
  private readonly eventOf: Int32Array;
  private readonly sceneOf: Int32Array;

  constructor(
    readonly dim: number,
    readonly size: number,
    private readonly seed = 7,
  ) {
    const random = seededRandom(seed);
    this.common = unitVector(dim, random);
    this.textCommon = unitVector(dim, random);
    this.topics = Array.from({ length: TOPICS }, () => unitVector(dim, random));
    this.bases = this.topics.map(() => Array.from({ length: TOPIC_BASIS }, () => unitVector(dim, random)));
    this.eventOf = new Int32Array(size);
    this.sceneOf = new Int32Array(size);
    let scene = 0;
    for (let start = 0; start < size;) {
      const event = this.events.length;
      this.events.push(unitVector(dim, random));
      this.eventTopics.push(Math.floor(random() * TOPICS));
      const end = Math.min(size, start + runLength(MEAN_EVENT, random));
      for (let sceneStart = start; sceneStart < end; scene++) {
        const sceneEnd = Math.min(end, sceneStart + runLength(MEAN_SCENE, random));
        this.eventOf.fill(event, sceneStart, sceneEnd);
        this.sceneOf.fill(scene, sceneStart, sceneEnd);
        sceneStart = sceneEnd;
      }
      start = end;
    }
  }

  /** Photo `index` of the library (0-based); events and scenes are runs of consecutive photos. */
  vector(index: number): Float32Array {
    return this.photoIn(index, seededRandom(this.seed * STREAM.photo + index));
  }

  /**
   * Query vectors not in the library, each about the scene of a random library
   * photo. 'photo': another shot of that scene. 'text': a text embedding, in its own
   * cone, scoring about 0.5 with the photos of the scene it describes, 0.35 with the
   * rest of their event and 0.1 with unrelated photos, as CLIP's do.
   */
  queries(count: number, kind: QueryKind): Float32Array[] {
    const random = seededRandom(this.seed * STREAM.query + (kind === 'text' ? 1 : 2));
    return Array.from({ length: count }, () => {
      const index = Math.floor(random() * this.size);
      if (kind === 'photo') return this.photoIn(index, random);
      const event = this.eventOf[index];
      const v = new Float32Array(this.dim);
      addScaled(v, this.textCommon, 0.7);
      addScaled(v, this.common, 0.15);
      addScaled(v, this.topics[this.eventTopics[event]], 0.3);
      addScaled(v, this.events[event], 0.3);
      addScaled(v, this.sceneVector(this.sceneOf[index]), 0.3);
      addScaled(v, unitVector(this.dim, random), 0.2);
      return normalize(v);
    });
  }

  /** Scene vectors are drawn from their own seed on demand: a million-photo library has over 100,000 scenes. */
  private sceneVector(scene: number): Float32Array {
    return unitVector(this.dim, seededRandom(this.seed * STREAM.scene + scene));
  }

  /** A photo in the scene of library photo `index`, with its own variation drawn from `random`. */
  private photoIn(index: number, random: () => number): Float32Array {
    const event = this.eventOf[index];
    const topic = this.eventTopics[event];
    const v = new Float32Array(this.dim);
    addScaled(v, this.common, Math.sqrt(COMMON));
    addScaled(v, this.topics[topic], Math.sqrt(TOPIC));
    addScaled(v, this.events[event], Math.sqrt(EVENT));
    addScaled(v, this.sceneVector(this.sceneOf[index]), Math.sqrt(SCENE));
    const own = new Float32Array(this.dim);
    for (const direction of this.bases[topic]) addScaled(own, direction, random() * 2 - 1);
    normalize(own);
    addScaled(v, own, Math.sqrt(OWN * OWN_IN_TOPIC_BASIS));
    addScaled(v, unitVector(this.dim, random), Math.sqrt(OWN * (1 - OWN_IN_TOPIC_BASIS)));
    return normalize(v);
  }
}
