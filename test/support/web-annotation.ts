/**
 * Test helper (not a test): a structural validator of what the annotations
 * export promises, after the W3C Web Annotation Data Model and Protocol
 * (https://www.w3.org/TR/annotation-model/, .../annotation-protocol/): an
 * AnnotationCollection with the anno.jsonld context, its first AnnotationPage
 * embedded with `items`, each an Annotation with an IRI id, `commenting`,
 * creator and created, TextualBody bodies with value, creator and created, and
 * a FragmentSelector target `xywh=percent:X,Y,0,0`. Only terms the context
 * defines are allowed, since a JSON-LD processor drops any other.
 * Returns every problem found (none: valid).
 */

const CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
const MEDIA_FRAGS = 'http://www.w3.org/TR/media-frags/';
/** An absolute IRI: a scheme, then no white space. */
const IRI = /^[a-z][a-z0-9+.-]*:\S+$/i;
/** xsd:dateTime in UTC, as the model asks for `created` and `modified`. */
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const POINT = /^xywh=percent:([\d.]+),([\d.]+),0,0$/;
/** The motivations the model defines: the values `purpose` may take. */
const MOTIVATIONS = new Set(['assessing', 'bookmarking', 'classifying', 'commenting', 'describing', 'editing', 'highlighting', 'identifying', 'linking', 'moderating', 'questioning', 'replying', 'tagging']);

type Json = Record<string, unknown>;

export function webAnnotationProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
  const onlyKeys = (o: Json, keys: string[], where: string) => {
    for (const k of Object.keys(o)) check(keys.includes(k), `${where}: "${k}" is not a term of the annotation context`);
  };
  const iri = (v: unknown, where: string) => check(typeof v === 'string' && IRI.test(v), `${where} must be an absolute IRI, not ${JSON.stringify(v)}`);
  const dateTime = (v: unknown, where: string) => check(typeof v === 'string' && DATE_TIME.test(v), `${where} must be an xsd:dateTime in UTC, not ${JSON.stringify(v)}`);
  const creator = (v: unknown, where: string) => {
    check(isObject(v) && v.type === 'Person' && typeof v.name === 'string' && v.name !== '', `${where} must be a Person with a name`);
    if (isObject(v)) onlyKeys(v, ['id', 'type', 'name', 'nickname'], where);
  };

  if (!isObject(doc)) return ['the document must be a JSON object'];
  const context = doc['@context'];
  check(context === CONTEXT || (Array.isArray(context) && context.includes(CONTEXT)), `@context must be ${CONTEXT}`);
  onlyKeys(doc, ['@context', 'id', 'type', 'label', 'total', 'first', 'last'], 'the collection');
  check(doc.type === 'AnnotationCollection', 'the collection must have type AnnotationCollection');
  iri(doc.id, 'the collection id');
  const page = doc.first;
  if (!isObject(page)) return [...problems, 'first must be the embedded AnnotationPage'];
  onlyKeys(page, ['id', 'type', 'partOf', 'startIndex', 'items', 'next', 'prev'], 'the page');
  check(page.type === 'AnnotationPage', 'the page must have type AnnotationPage');
  iri(page.id, 'the page id');
  check(doc.last === page.id, 'last must name the one page');
  check(page.partOf === undefined || page.partOf === doc.id, 'partOf must name the collection');
  check(page.startIndex === 0, 'the one page starts at index 0');
  const items = page.items;
  if (!Array.isArray(items)) return [...problems, 'the page must hold items'];
  check(doc.total === items.length, `total (${String(doc.total)}) must count the items (${items.length})`);

  const ids = new Set<unknown>();
  items.forEach((a: unknown, i) => {
    const at = `items[${i}]`;
    if (!isObject(a)) return check(false, `${at} must be an object`);
    onlyKeys(a, ['id', 'type', 'motivation', 'creator', 'created', 'modified', 'body', 'target'], at);
    check(a['@context'] === undefined, `${at} must not repeat the context`);
    iri(a.id, `${at}.id`);
    check(!ids.has(a.id), `${at}.id is not unique`);
    ids.add(a.id);
    check(a.type === 'Annotation', `${at}.type must be Annotation`);
    check(a.motivation === 'commenting', `${at}.motivation must be commenting`);
    creator(a.creator, `${at}.creator`);
    dateTime(a.created, `${at}.created`);
    const bodies = a.body;
    check(Array.isArray(bodies) && bodies.length > 0, `${at}.body must list at least one body`);
    (Array.isArray(bodies) ? bodies : []).forEach((b: unknown, j) => {
      const bt = `${at}.body[${j}]`;
      if (!isObject(b)) return check(false, `${bt} must be an object`);
      onlyKeys(b, ['id', 'type', 'purpose', 'value', 'format', 'language', 'creator', 'created', 'modified'], bt);
      check(b.type === 'TextualBody', `${bt}.type must be TextualBody`);
      check(typeof b.value === 'string' && b.value !== '', `${bt}.value must be the text`);
      if (b.id !== undefined) iri(b.id, `${bt}.id`);
      check(b.purpose === undefined || MOTIVATIONS.has(b.purpose as string), `${bt}.purpose must be a motivation`);
      creator(b.creator, `${bt}.creator`);
      dateTime(b.created, `${bt}.created`);
      if (b.modified !== undefined) dateTime(b.modified, `${bt}.modified`);
    });
    const target = a.target;
    if (!isObject(target)) return check(false, `${at}.target must be a SpecificResource`);
    onlyKeys(target, ['source', 'selector'], `${at}.target`);
    iri(target.source, `${at}.target.source`);
    const selector = target.selector;
    if (!isObject(selector)) return check(false, `${at}.target.selector must be a FragmentSelector`);
    onlyKeys(selector, ['type', 'conformsTo', 'value'], `${at}.target.selector`);
    check(selector.type === 'FragmentSelector', `${at}.target.selector.type must be FragmentSelector`);
    check(selector.conformsTo === MEDIA_FRAGS, `${at}.target.selector.conformsTo must be ${MEDIA_FRAGS}`);
    const point = typeof selector.value === 'string' ? POINT.exec(selector.value) : null;
    check(point !== null, `${at}.target.selector.value must be xywh=percent:X,Y,0,0, not ${JSON.stringify(selector.value)}`);
    if (point) for (const v of point.slice(1)) check(Number(v) >= 0 && Number(v) <= 100, `${at}: ${v} is not a percentage`);
  });
  return problems;
}
