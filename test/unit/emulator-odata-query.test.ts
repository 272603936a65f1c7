import { parseSessionPath } from '../../src/emulator/upload-sessions/session-paths';
import { GraphClock, graphDateTime } from '../../src/emulator/odata/graph-dates';
import { FILE_TYPE, SESSION_TYPE, parseOrderBy, sortBy } from '../../src/emulator/odata/odata-order';
import { assertOptions, collectionPage, parseFilter, parseListQuery } from '../../src/emulator/odata/odata-query';

describe('the emulator OData options', () => {
  it('reads $filter clauses joined by and, with quotes doubled inside a string', () => {
    expect(parseFilter("status eq 'active' and referenceId eq 'O''Brien'")).toEqual([
      { property: 'status', value: 'active' },
      { property: 'referenceId', value: "O'Brien" },
    ]);
    for (const bad of ['', "status eq 'active' and", "status eq 'active'and referenceId eq 'x'", "referenceId eq 'x' or status eq 'active'", "status eq 'Active'"]) {
      expect(() => parseFilter(bad)).toThrow('Invalid filter clause');
    }
  });

  it('turns an offset into an opaque $skiptoken and back, keeping the other options', () => {
    const url = new URL("http://127.0.0.1:1/beta/x/uploadSessions?$top=2&$skip=4&$count=true&$filter=status eq 'active'");
    const { page, count, nextLink } = collectionPage([...'abcdefghij'], parseListQuery(url.searchParams), url);
    expect({ page, count }).toEqual({ page: ['e', 'f'], count: 10 });
    const link = new URL(nextLink!);
    expect(link.searchParams.get('$skip')).toBeNull();
    expect(link.searchParams.get('$skiptoken')).not.toContain('6');
    expect(parseListQuery(link.searchParams)).toMatchObject({ top: 2, offset: 6, count: true, filter: [{ property: 'status', value: 'active' }] });
  });

  it('defaults to pages of 100, oldest first', () => {
    expect(parseListQuery(new URLSearchParams())).toMatchObject({
      top: 100,
      offset: 0,
      count: false,
      order: [{ property: 'createdDateTime', descending: false }],
      filter: [],
      select: undefined,
      expand: undefined,
    });
  });

  it('reads $expand=files with nested options, and refuses what it cannot honour', () => {
    const query = parseListQuery(new URLSearchParams('$expand=files($select=name,size;$orderby=size desc;$top=1;$count=true)'));
    expect(query.expand).toEqual({ select: ['name', 'size'], order: [{ property: 'size', descending: true }], top: 1, offset: 0, count: true });
    expect(() => parseListQuery(new URLSearchParams('$expand=files($filter=size gt 1)'))).toThrow("Query option '$filter' is not allowed");
    expect(() => parseListQuery(new URLSearchParams('$expand=stats'))).toThrow("navigation property named 'stats'");
  });

  it('orders on primitive properties, dates by instant whatever their fraction digits, with OData messages otherwise', () => {
    expect(parseOrderBy('status desc, createdDateTime', SESSION_TYPE)).toEqual([
      { property: 'status', descending: true },
      { property: 'createdDateTime', descending: false },
    ]);
    expect(() => parseOrderBy('stats', SESSION_TYPE)).toThrow('must evaluate to a single value of primitive type');
    expect(() => parseOrderBy('colour', SESSION_TYPE)).toThrow("Could not find a property named 'colour' on type 'microsoft.graph.customDataProvidedResourceUploadSession'");
    expect(() => parseOrderBy('name sideways', FILE_TYPE)).toThrow('Syntax error in $orderby');
    const dates = ['2026-01-01T00:00:00.5Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.1234567Z'];
    const ordered = sortBy(dates, [{ property: 'uploadedDateTime', descending: false }], FILE_TYPE, (date) => date);
    expect(ordered).toEqual(['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.1234567Z', '2026-01-01T00:00:00.5Z']);
  });

  it('refuses a system query option the request does not honour, or one given twice', () => {
    const allowed = new Set(['$top']);
    expect(() => assertOptions(new URLSearchParams('$top=1&other=2'), allowed)).not.toThrow();
    expect(() => assertOptions(new URLSearchParams('$search=x'), allowed)).toThrow("Query option '$search' is not allowed");
    expect(() => assertOptions(new URLSearchParams('$top=1&$top=2'), allowed)).toThrow('specified more than once');
    expect(() => assertOptions(new URLSearchParams('top=1'), allowed)).toThrow("reads the query option 'top' only as '$top'");
    expect(() => assertOptions(new URLSearchParams('$TOP=1'), allowed)).toThrow("only as '$top'");
  });
});

describe('the emulator dates', () => {
  it('writes 7 fraction digits with trailing zeros trimmed, so stamps carry 7, 6, 5, 4 and 3 digits in turn', () => {
    expect(graphDateTime(Date.parse('2026-01-01T00:00:00.120Z'), 0)).toBe('2026-01-01T00:00:00.12Z');
    expect(graphDateTime(Date.parse('2026-01-01T00:00:00.000Z'), 0)).toBe('2026-01-01T00:00:00Z');
    const clock = new GraphClock(() => Date.parse('2026-01-01T00:00:00.123Z'));
    const digits = Array.from({ length: 5 }, () => clock.stamp().match(/\.(\d+)Z$/)![1]!.length);
    expect(digits).toEqual([7, 3, 6, 5, 4]);
    // A clock that stands still still orders its stamps: each takes a millisecond after the last.
    const instants = Array.from({ length: 3 }, () => Date.parse(clock.stamp()));
    expect(instants[1]! - instants[0]!).toBeGreaterThanOrEqual(1);
    expect(instants[2]! - instants[1]!).toBeGreaterThanOrEqual(1);
    expect(clock.wholeSecond()).toBe('2026-01-01T00:00:00Z');
  });
});

describe('the emulator paths', () => {
  const served = {
    beta: [
      'identityGovernance/entitlementManagement/accessPackageCatalogs/c/accessPackageResources/r',
      'identityGovernance/catalogs/c/accessPackageResources/r',
      'identityGovernance/entitlementManagement/accessPackageResources/r',
    ],
    'v1.0': ['identityGovernance/entitlementManagement/catalogs/c/resources/r', 'identityGovernance/catalogs/c/resources/r', 'identityGovernance/entitlementManagement/resources/r'],
  };

  it.each(Object.entries(served).flatMap(([version, shapes]) => shapes.map((shape) => [version, shape])))('serves %s %s', (version, shape) => {
    const path = parseSessionPath(`/${version}/${shape}/uploadSessions/s/files/f/$value`);
    expect(path).toEqual({
      path: {
        version,
        catalogId: shape.includes('/c/') ? 'c' : undefined,
        resourceId: 'r',
        collection: `${shape}/uploadSessions`,
        target: { kind: 'fileContent', sessionId: 's', fileId: 'f' },
      },
    });
  });

  it('names the first segment a version does not have, as Graph does', () => {
    const unknown = (path: string) => parseSessionPath(path);
    expect(unknown('/v1.0/identityGovernance/entitlementManagement/accessPackageCatalogs/c/accessPackageResources/r/uploadSessions')).toEqual({ unknownSegment: 'accessPackageCatalogs' });
    expect(unknown('/beta/identityGovernance/entitlementManagement/catalogs/c/resources/r/uploadSessions')).toEqual({ unknownSegment: 'catalogs' });
    expect(unknown('/beta/identityGovernance/catalogs/c/resources/r/uploadSessions')).toEqual({ unknownSegment: 'resources' });
    expect(unknown('/v2.0/identityGovernance')).toEqual({ unknownSegment: 'v2.0' });
    expect(unknown('/beta/identityGovernance/catalogs/c/accessPackageResources/r/uploadSessions/s/files/f/content')).toEqual({ unknownSegment: 'content' });
    expect(unknown('/beta/identityGovernance/catalogs/c/accessPackageResources/r/uploadSessions/s/files/$count')).toMatchObject({ path: { target: { kind: 'filesCount' } } });
    expect(unknown('/beta/identityGovernance/catalogs/%ZZ/accessPackageResources/r/uploadSessions')).toHaveProperty('unknownSegment');
  });
});
