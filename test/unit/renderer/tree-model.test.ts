import { describe, expect, it } from 'vitest';
import type { Site } from '../../../shared/domain';
import { buildConsoleTree, findNode, pathTo, visibleNodes, type TreeNode } from '../../../renderer/console-tree/tree-model';

function site(code: string, name: string, parentCode: string | null, healthy = true): Site {
  return {
    code,
    name,
    parentCode,
    databaseFile: `/data/sites/${code}.sqlite`,
    schemaVersion: 1,
    createdAt: '2026-11-23T00:00:00.000Z',
    health: healthy ? { state: 'ok' } : { state: 'damaged', message: 'truncated' },
  };
}

function labelsOfPath(root: TreeNode, id: string): string[] {
  return (pathTo(root, id) ?? []).map((nodeId) => findNode(root, nodeId)?.label ?? '?');
}

describe('console tree', () => {
  const sites = [site('CEN', 'Central Site', null), site('PR1', 'Primary 1', 'CEN'), site('SE1', 'Secondary 1', 'PR1')];
  const tree = buildConsoleTree(sites);

  it('has the Software Update Point under Site Management / <site> / Site Settings / Component Configuration', () => {
    expect(labelsOfPath(tree, 'site:CEN/sup')).toEqual([
      'Update Sync Console',
      'Site Database  (CEN - Central Site)',
      'Site Management',
      'CEN - Central Site',
      'Site Settings',
      'Component Configuration',
      'Software Update Point',
    ]);
  });

  it('has the Update Repository under Computer Management / Software Updates, for the connected site', () => {
    expect(labelsOfPath(tree, 'update-repository')).toEqual([
      'Update Sync Console',
      'Site Database  (CEN - Central Site)',
      'Computer Management',
      'Software Updates',
      'Update Repository',
    ]);
    expect(findNode(tree, 'update-repository')?.site).toBe('CEN');
  });

  it('has SMS_WSUS_SYNC_MANAGER under System Status / Site Status / <site> / Component Status for every site', () => {
    for (const code of ['CEN', 'PR1', 'SE1']) {
      const labels = labelsOfPath(tree, `status:${code}/wsyncmgr`);
      expect(labels.slice(2)).toEqual([
        'System Status',
        'Site Status',
        expect.stringMatching(new RegExp(`^${code} - `)),
        'Component Status',
        'SMS_WSUS_SYNC_MANAGER',
      ]);
    }
  });

  it('nests child sites below their parent', () => {
    expect(labelsOfPath(tree, 'site:SE1').slice(2)).toEqual(['Site Management', 'CEN - Central Site', 'PR1 - Primary 1', 'SE1 - Secondary 1']);
  });

  it('shows a damaged site without its settings, so nothing offers to change it', () => {
    const damaged = buildConsoleTree([site('CEN', 'Central Site', null, false)]);
    expect(findNode(damaged, 'site:CEN')?.icon).toBe('site-damaged');
    expect(findNode(damaged, 'site:CEN/sup')).toBeUndefined();
  });

  it('lists only the children of expanded nodes for keyboard navigation', () => {
    const rows = visibleNodes(tree, new Set(['console', 'sitedb']));
    expect(rows.map((row) => row.node.label)).toEqual([
      'Update Sync Console',
      'Site Database  (CEN - Central Site)',
      'Site Management',
      'Computer Management',
      'System Status',
      'Monitoring',
    ]);
    expect(rows[2]).toMatchObject({ depth: 2, parentId: 'sitedb' });
  });
});
