import { Card, Table, Tabs } from 'antd';
import { useEffect, useState } from 'react';
import { call } from '../api';
import { yuan } from '../format';
import { useT } from '../i18n';

interface LadderStep { node: number; timedMeasures: string[]; timedMeasureDays: number; marketingBanDays: number; oneOffMeasures: string[]; fineFen: number | null }
interface RuleVersion { version: string; effectiveFrom: string; points: Record<string, Record<string, number>>; ladders: Record<string, LadderStep[]>; appealWindowDays: number; forgery: Record<string, unknown> }
interface RulesData { versions: RuleVersion[]; catalogue: Record<string, { code: string; track: string; en: string; zh: string }>; depositTableFen: Record<string, Record<string, number>> }

/** The rule data the services run with, read from the api (the same RuleBook). */
export function Rules() {
  const t = useT();
  const [rules, setRules] = useState<RulesData>();
  useEffect(() => void call<RulesData>('api', '/v1/ops/rules').then(setRules).catch(() => undefined), []);
  if (!rules) return null;
  return (
    <div data-testid="rules">
      <Tabs items={rules.versions.map((v) => ({
        key: v.version,
        label: `${t('version')} ${v.version}`,
        children: (
          <Card>
            <p>{t('effectiveFrom')}: {v.effectiveFrom} · appeal window {v.appealWindowDays} days · forgery: {String(v.forgery.kind)}</p>
            <Table size="small" pagination={false} rowKey="track" dataSource={Object.entries(v.points).map(([track, p]) => ({ track, ...p }))}
              columns={['track', 'MINOR', 'STANDARD', 'SEVERE'].map((c) => ({ title: c, dataIndex: c }))} />
            <h4 style={{ marginTop: 16 }}>{t('ladder')}</h4>
            <Table size="small" pagination={false} rowKey="node" dataSource={v.ladders.SERIOUS}
              columns={[
                { title: 'node', dataIndex: 'node' },
                { title: 'measures', dataIndex: 'timedMeasures', render: (m: string[], s: LadderStep) => `${m.join(', ')}${m.length ? ` (${s.timedMeasureDays}d)` : ''}` },
                { title: 'MARKETING_BAN', dataIndex: 'marketingBanDays', render: (d: number) => (d ? `${d}d` : '—') },
                { title: 'one-off', dataIndex: 'oneOffMeasures', render: (m: string[]) => m.join(', ') || '—' },
                { title: t('finesCharged'), dataIndex: 'fineFen', render: (f: number | null) => (f === null ? 'deposit' : yuan(f)) },
              ]} />
          </Card>
        ),
      }))} />
      <Card title={t('catalogue')} style={{ marginTop: 16 }}>
        <Table size="small" rowKey="code" pagination={false} dataSource={Object.values(rules.catalogue)}
          columns={[{ title: 'code', dataIndex: 'code' }, { title: 'track', dataIndex: 'track' }, { title: 'zh', dataIndex: 'zh' }, { title: 'en', dataIndex: 'en' }]} />
      </Card>
      <Card title={t('depositTable')} style={{ marginTop: 16 }}>
        <Table size="small" rowKey="store" pagination={false} dataSource={Object.entries(rules.depositTableFen).map(([store, v]) => ({ store, ...v }))}
          columns={[{ title: 'store', dataIndex: 'store' }, { title: 'TM', dataIndex: 'TM', render: yuan }, { title: '®', dataIndex: 'R', render: yuan }]} />
      </Card>
    </div>
  );
}
