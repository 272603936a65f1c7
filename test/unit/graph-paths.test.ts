import { GraphPaths, graphVersion, sessionPath } from '../../src/graph/graph-paths';
import { parseResourceKey, parseSessionKey } from '../../src/graph/odata/ids';

const key = parseSessionKey({
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
});

describe('Graph paths', () => {
  it('builds the seed page path (beta) from graph-api.md', () => {
    const paths = new GraphPaths(new URL('https://graph.microsoft.com/beta'));
    expect(paths.session(key)).toBe(
      '/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/73eb2497-3b88-4c0a-8bb3-68ba8162beff' +
        '/accessPackageResources/99ab2454-3b88-4c0a-8bb3-68ba8162beff/uploadSessions/23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
    );
    expect(sessionPath(key)).toBe(paths.session(key).slice('/beta'.length));
  });

  it('builds the v1.0 path from graph-api.md', () => {
    const paths = new GraphPaths(new URL('https://graph.microsoft.com/v1.0/'));
    expect(paths.version).toBe('v1.0');
    expect(paths.sessions(key)).toBe(
      '/v1.0/identityGovernance/entitlementManagement/catalogs/73eb2497-3b88-4c0a-8bb3-68ba8162beff/resources/99ab2454-3b88-4c0a-8bb3-68ba8162beff/uploadSessions',
    );
    expect(paths.files(key)).toBe(`${paths.sessions(key)}/23f27c15-72f9-45fe-9e9c-e3d8f75bdc44/files`);
    expect(paths.uploadFile(key)).toBe(`${paths.sessions(key)}/23f27c15-72f9-45fe-9e9c-e3d8f75bdc44/uploadFile`);
  });

  it('keeps a prefix before the version segment (a proxy in front of Graph)', () => {
    expect(new GraphPaths(new URL('http://127.0.0.1:9/graph/beta')).sessions(key)).toMatch(/^\/graph\/beta\/identityGovernance\//);
  });

  it.each(['https://graph.microsoft.com', 'https://graph.microsoft.com/v2.0', 'https://graph.microsoft.com/beta/x', 'https://graph.microsoft.com/BETA'])(
    'refuses the base URL %s at construction',
    (url) => expect(() => graphVersion(new URL(url))).toThrow('must end in /beta or /v1.0'),
  );

  it('builds paths only from parsed keys: an id that is not a GUID never reaches one', () => {
    expect(() => parseResourceKey({ catalogId: '../x', resourceId: key.resourceId })).toThrow(expect.objectContaining({ problem: { kind: 'not-a-guid', arguments: ['catalogId'] } }));
  });

  describe('nextLinkPath', () => {
    const paths = new GraphPaths(new URL('https://graph.microsoft.com/beta'));
    const collection = paths.sessions(key);

    it('accepts a link on Graph’s origin and the expected path, query kept', () => {
      expect(paths.nextLinkPath(`https://graph.microsoft.com${collection}?$skiptoken=abc`, collection)).toBe(`${collection}?$skiptoken=abc`);
    });

    it.each([
      ['another host', `https://evil.example${collection}?$skiptoken=abc`],
      ['another scheme', `http://graph.microsoft.com${collection}`],
      ['another resource', `https://graph.microsoft.com${collection.replace('99ab2454', '11ab2454')}`],
      ['a path that climbs out', `https://graph.microsoft.com${collection}/../../x`],
      ['credentials', `https://user:pw@graph.microsoft.com${collection}`],
      ['not a URL', 'uploadSessions?$skip=2'],
    ])('refuses %s', (_name, link) => expect(paths.nextLinkPath(link, collection)).toBeUndefined());
  });
});
