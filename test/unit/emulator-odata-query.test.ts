import { parseSessionPath } from '../../src/emulator/emulator-paths';
import { nextLink, parseFilter, parseListQuery } from '../../src/emulator/odata-query';

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
    const link = new URL(nextLink(new URL("http://127.0.0.1:1/beta/x/uploadSessions?$top=2&$skip=4&$count=true&$filter=status eq 'active'"), 6));
    expect(link.searchParams.get('$skip')).toBeNull();
    expect(link.searchParams.get('$skiptoken')).not.toContain('6');
    expect(parseListQuery(link.searchParams)).toMatchObject({ top: 2, offset: 6, count: true, filter: [{ property: 'status', value: 'active' }] });
  });

  it('defaults to pages of 100, oldest first', () => {
    expect(parseListQuery(new URLSearchParams())).toMatchObject({ top: 100, offset: 0, count: false, order: 'asc', filter: [], select: undefined, expandFiles: false });
  });

  it('reads the three path shapes on either version, and nothing else', () => {
    const ids = 'c/resources/r';
    expect(parseSessionPath(`/v1.0/identityGovernance/entitlementManagement/catalogs/${ids}/uploadSessions/$count`)).toMatchObject({ version: 'v1.0', catalogId: 'c', resourceId: 'r', target: { kind: 'count' } });
    expect(parseSessionPath('/beta/identityGovernance/catalogs/c/accessPackageResources/r/uploadSessions/s/files/f')).toMatchObject({ target: { kind: 'file', sessionId: 's', fileId: 'f' } });
    expect(parseSessionPath('/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/c/accessPackageResources/r/uploadSessions/s/uploadFile')).toMatchObject({ target: { kind: 'uploadFile' } });
    expect(parseSessionPath('/beta/identityGovernance/entitlementManagement/catalogs/c/accessPackageResources/r/uploadSessions')).toBeUndefined();
    expect(parseSessionPath('/v2.0/identityGovernance/catalogs/c/accessPackageResources/r/uploadSessions')).toBeUndefined();
    expect(parseSessionPath('/beta/identityGovernance/catalogs/c/accessPackageResources/r/uploadSessions/s/files/f/$value')).toBeUndefined();
    expect(parseSessionPath('/beta/identityGovernance/catalogs/%ZZ/accessPackageResources/r/uploadSessions')).toBeUndefined();
  });
});
