import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, call, type Me } from '../api';
import { EnumText } from '../components/EnumText';
import { useReasonDialog } from '../components/ReasonDialog';
import { shanghaiTime, yuan } from '../format';
import { codesOf, useCodes, useT } from '../i18n';
import { DataTable } from '../components/DataTable';
import { RuleSimulation } from './RuleSimulation';

/** A ladder step's measures, each in the page's language with its code on hover. */
const measureTags = (measures: string[]) => measures.map((m) => <Tag key={m}><EnumText kind="measure" value={m} /></Tag>);
interface LadderStep { node: number; timedMeasures: string[]; timedMeasureDays: number; marketingBanDays: number; oneOffMeasures: string[]; fineFen: number | null }
interface RuleVersion { version: string; effectiveFrom: string; points: Record<string, Record<string, number>>; ladders: Record<string, LadderStep[]>; appealWindowDays: number; forgery: Record<string, unknown> }
type CatalogueEntry = { code: string; track: string; en: string; zh: string };
type PointsRow = { track: string } & Record<string, number | string>;
type DepositRow = { store: string } & Record<string, number>;
interface RulesData { versions: RuleVersion[]; catalogue: Record<string, { code: string; track: string; en: string; zh: string }>; depositTableFen: Record<string, Record<string, number>> }

/** The rulebook editor (versions per marketplace, their differences, drafts and their approval) and the rule data in force. */
export function Rules({ me }: { me: Me }) {
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <RulebookEditor me={me} />
      <RuleDataInForce />
    </Space>
  );
}

interface RulebookVersion {
  marketplace: string;
  versionId: string;
  effectiveFrom: string;
  effectiveAt: string;
  status: 'DRAFT' | 'APPROVED' | 'ANNOUNCED' | 'IN_FORCE' | 'WITHDRAWN';
  contentHash: string;
  origin: string;
  author: string;
  contributors: string[];
  approver: string | null;
  leadTimeDays: number;
  announceAt: string;
  basedOn: string | null;
  withdrawalReason: string | null;
  ruleData: Record<string, unknown>;
}
interface Change { path: string; from?: unknown; to?: unknown }
type FieldProblem = { field: string; message: string };

const STATUS_COLORS: Record<RulebookVersion['status'], string> = { DRAFT: 'default', APPROVED: 'blue', ANNOUNCED: 'orange', IN_FORCE: 'green', WITHDRAWN: 'red' };
const shown = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));
const versionsPath = (marketplace: string) => `/v1/rulebooks/${encodeURIComponent(marketplace)}/versions`;

/** A marketplace's versions with their status; admins draft from one, edit a draft's rule data, approve (another admin) or withdraw. */
function RulebookEditor({ me }: { me: Me }) {
  const t = useT();
  const codes = useCodes();
  const { message } = App.useApp();
  const [askReason, reasonDialog] = useReasonDialog();
  const admin = me.roles.includes('admin');
  const [marketplaces, setMarketplaces] = useState<string[]>([]);
  const [marketplace, setMarketplace] = useState<string>();
  const [versions, setVersions] = useState<RulebookVersion[]>([]);
  const [diff, setDiff] = useState<{ from?: string; to?: string }>({});
  const [changes, setChanges] = useState<Change[]>();
  const [editing, setEditing] = useState<string>();
  const [json, setJson] = useState('');
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [refusal, setRefusal] = useState<string>();
  const [drafting, setDrafting] = useState<RulebookVersion>();
  const [simulating, setSimulating] = useState<string>();
  const [draftProblems, setDraftProblems] = useState<FieldProblem[]>([]);
  const [draftForm] = Form.useForm<{ versionId: string; effectiveFrom: string; leadTimeDays?: number }>();

  useEffect(() => void call<{ items: string[] }>('api', '/v1/rulebooks').then((r) => {
    setMarketplaces(r.items);
    setMarketplace((m) => m ?? r.items[0]);
  }).catch(() => undefined), []);
  const load = useCallback(async (): Promise<RulebookVersion[]> => {
    if (!marketplace) return [];
    const r = await call<{ items: RulebookVersion[] }>('api', versionsPath(marketplace));
    setVersions(r.items);
    return r.items;
  }, [marketplace]);
  useEffect(() => {
    setEditing(undefined);
    setSimulating(undefined);
    setDiff({});
    void load().catch(() => setVersions([]));
  }, [load]);
  const loadDiff = useCallback(() => {
    if (!marketplace || !diff.from || !diff.to) return void setChanges(undefined);
    const query = new URLSearchParams({ from: diff.from, to: diff.to });
    void call<{ changes: Change[] }>('api', `/v1/rulebooks/${encodeURIComponent(marketplace)}/diff?${query}`).then((r) => setChanges(r.changes)).catch((e: Error) => void message.error(e.message));
  }, [marketplace, diff, message]);
  useEffect(loadDiff, [loadDiff]);

  const edit = (v: RulebookVersion) => {
    setEditing(v.versionId);
    setJson(JSON.stringify(v.ruleData, null, 2));
    setProblems([]);
    if (v.basedOn) setDiff({ from: v.basedOn, to: v.versionId });
  };
  /** Runs a write; a refusal is shown above the versions (four eyes in plain words), a 400's fields next to the form. */
  const act = async (write: () => Promise<RulebookVersion>, done: string, onProblems = setProblems): Promise<RulebookVersion | undefined> => {
    setRefusal(undefined);
    try {
      const version = await write();
      void message.success(done);
      onProblems([]);
      await load();
      loadDiff();
      return version;
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) onProblems(e.problem.errors);
      else setRefusal(e instanceof ApiError && e.problem.code === 'RULEBOOK.FOUR_EYES' ? t('fourEyes') : `${e instanceof ApiError && e.problem.code ? `${e.problem.code}: ` : ''}${(e as Error).message}`);
      return undefined;
    }
  };
  const save = async () => {
    let ruleData: unknown;
    try {
      ruleData = JSON.parse(json);
    } catch (e) {
      return setProblems([{ field: 'ruleData', message: `${t('invalidJson')}: ${(e as Error).message}` }]);
    }
    await act(() => call<RulebookVersion>('api', `${versionsPath(marketplace!)}/${encodeURIComponent(editing!)}`, { ruleData }, 'PATCH'), t('saved'));
  };
  const createDraft = async () => {
    const values = await draftForm.validateFields();
    const body = { versionId: values.versionId.trim(), effectiveFrom: values.effectiveFrom.trim(), basedOn: drafting!.versionId, ...(values.leadTimeDays === undefined || values.leadTimeDays === null ? {} : { leadTimeDays: values.leadTimeDays }) };
    const created = await act(() => call<RulebookVersion>('api', versionsPath(marketplace!), body), t('saved'), setDraftProblems);
    if (created) {
      setDrafting(undefined);
      draftForm.resetFields();
      edit(created);
    }
  };
  const versionOptions = versions.map((v) => ({ value: v.versionId, label: `${v.versionId} · ${codes('rulebookStatus', v.status)}` }));
  const editingVersion = versions.find((v) => v.versionId === editing && v.status === 'DRAFT');
  const simulatedVersion = versions.find((v) => v.versionId === simulating && v.status === 'DRAFT');

  return (
    <>
      <Card title={t('rulebookVersions')} data-testid="rulebook-versions"
        extra={<Select id="rules-marketplace" aria-label={t('marketplace')} style={{ width: 180 }} value={marketplace} onChange={setMarketplace}
          options={marketplaces.map((m) => ({ value: m, label: <span title={m}>{codes('marketplace', m)}</span> }))} />}>
        {refusal && <Alert type="error" showIcon title={refusal} closable={{ onClose: () => setRefusal(undefined) }} data-testid="rules-refusal" style={{ marginBottom: 16 }} />}
        <DataTable<RulebookVersion> id="versions" rowKey={(v) => v.versionId} source={{ rows: versions }} exportName={`rulebook-versions-${marketplace}`} pageSize={20}
          tableProps={{ rowClassName: (v) => `version-${v.versionId}` }}
          columns={[
            { key: 'versionId', title: t('version'), sortable: true, fixed: true },
            { key: 'effectiveFrom', title: t('effectiveFrom'), sortable: true, firstOrder: 'desc' },
            {
              key: 'status', title: t('status'), sortable: true, filter: codesOf('rulebookStatus').map((st) => ({ value: st, label: codes('rulebookStatus', st) })),
              render: (v) => <Tag color={STATUS_COLORS[v.status]} title={v.status} data-testid="version-status">{codes('rulebookStatus', v.status)}</Tag>,
            },
            { key: 'origin', title: t('origin'), sortable: true, render: (v) => <span title={v.origin}>{codes('origin', v.origin)}</span> },
            { key: 'basedOn', title: t('basedOn'), render: (v) => v.basedOn ?? '—' },
            { key: 'author', title: t('author'), sortable: true },
            { key: 'contributors', title: t('contributors'), value: (v) => v.contributors.join(', '), render: (v) => v.contributors.join(', ') || '—' },
            { key: 'approver', title: t('approver'), sortable: true, render: (v) => v.approver ?? '—' },
            { key: 'leadTimeDays', title: t('leadTimeDays'), sortable: true, render: (v) => <span title={shanghaiTime(v.announceAt)}>{v.leadTimeDays}</span> },
            { key: 'contentHash', title: t('contentHash'), render: (v) => <Typography.Text code copyable={{ text: v.contentHash }} title={v.contentHash}>{v.contentHash.slice(0, 10)}</Typography.Text> },
            ...(admin ? [{
              key: 'actions', title: t('actions'), fixed: true, noExport: true,
              render: (v: RulebookVersion) => (
                <Space size="small" wrap>
                  {v.status !== 'WITHDRAWN' && <Button size="small" data-testid={`draft-from-${v.versionId}`} onClick={() => { setDraftProblems([]); setDrafting(v); }}>{t('draftFrom')}</Button>}
                  {v.status === 'DRAFT' && <Button size="small" data-testid={`edit-${v.versionId}`} onClick={() => edit(v)}>{t('edit')}</Button>}
                  {v.status === 'DRAFT' && <Button size="small" data-testid={`simulate-${v.versionId}`} onClick={() => setSimulating(v.versionId)}>{t('simulate')}</Button>}
                  {v.status === 'DRAFT' && <Button size="small" type="primary" data-testid={`approve-${v.versionId}`} onClick={() => void act(() => call<RulebookVersion>('api', `${versionsPath(v.marketplace)}/${encodeURIComponent(v.versionId)}/approval`, {}), t('approved'))}>{t('approve')}</Button>}
                  {(v.status === 'DRAFT' || v.status === 'APPROVED' || v.status === 'ANNOUNCED') && (
                    <Button size="small" danger data-testid={`withdraw-${v.versionId}`}
                      onClick={() => askReason(`${t('withdraw')} ${v.versionId}`, async (reason) => {
                        if (!(await act(() => call<RulebookVersion>('api', `${versionsPath(v.marketplace)}/${encodeURIComponent(v.versionId)}/withdrawal`, { reason }), t('withdrawn')))) throw new Error('refused');
                      })}>
                      {t('withdraw')}
                    </Button>
                  )}
                </Space>
              ),
            }] : []),
          ]} />
      </Card>

      {editingVersion && (
        <Card title={`${t('editDraft')} ${editingVersion.versionId}`} data-testid="draft-editor">
          <label htmlFor="rule-data-json" style={{ display: 'block', marginBottom: 8 }}>{t('ruleDataJson')}</label>
          <Input.TextArea id="rule-data-json" value={json} onChange={(e) => setJson(e.target.value)} autoSize={{ minRows: 12, maxRows: 30 }} spellCheck={false} style={{ fontFamily: 'monospace' }} />
          {problems.length > 0 && (
            <Alert type="error" style={{ marginTop: 8 }} data-testid="rule-data-problems"
              title={<ul style={{ margin: 0, paddingLeft: 16 }}>{problems.map((p) => <li key={`${p.field}:${p.message}`}><code>{p.field}</code>: {p.message}</li>)}</ul>} />
          )}
          <Button type="primary" id="save-draft" style={{ marginTop: 8 }} onClick={() => void save()}>{t('save')}</Button>
        </Card>
      )}

      {simulatedVersion && (
        <RuleSimulation key={`${simulatedVersion.marketplace}/${simulatedVersion.versionId}`} marketplace={simulatedVersion.marketplace} versionId={simulatedVersion.versionId}
          ruleData={simulatedVersion.ruleData} onClose={() => setSimulating(undefined)} />
      )}

      <Card title={t('diff')} data-testid="rulebook-diff">
        <Space wrap style={{ marginBottom: 16 }}>
          <Select id="diff-from" aria-label={t('diffFrom')} placeholder={t('diffFrom')} style={{ width: 240 }} value={diff.from} onChange={(from: string) => setDiff((d) => ({ ...d, from }))} options={versionOptions} />
          <span aria-hidden>→</span>
          <Select id="diff-to" aria-label={t('diffTo')} placeholder={t('diffTo')} style={{ width: 240 }} value={diff.to} onChange={(to: string) => setDiff((d) => ({ ...d, to }))} options={versionOptions} />
        </Space>
        {changes && (
          <DataTable<Change> id="diff-changes" rowKey={(c) => c.path} source={{ rows: changes }} exportName={`rulebook-diff-${diff.from ?? ''}-${diff.to ?? ''}`} pageSize={50}
            search={{ placeholder: t('path'), keys: ['path'] }} tableProps={{ locale: { emptyText: t('noChanges') } }}
            columns={[
              { key: 'path', title: t('path'), sortable: true, fixed: true, render: (c) => <code>{c.path}</code> },
              { key: 'from', title: t('before'), value: (c) => shown(c.from), render: (c) => <code>{shown(c.from)}</code> },
              { key: 'to', title: t('after'), value: (c) => shown(c.to), render: (c) => <code>{shown(c.to)}</code> },
            ]} />
        )}
      </Card>

      <Modal open={drafting !== undefined} title={`${t('newDraft')} · ${t('basedOn')} ${drafting?.versionId ?? ''}`} okText={t('confirm')} cancelText={t('cancel')}
        okButtonProps={{ id: 'create-draft' }} onCancel={() => setDrafting(undefined)} onOk={() => void createDraft().catch(() => undefined)} destroyOnHidden>
        <Form form={draftForm} layout="vertical" initialValues={{ leadTimeDays: 7 }}>
          <Form.Item name="versionId" label={t('versionId')} rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/ }]}><Input id="draft-version-id" autoComplete="off" /></Form.Item>
          <Form.Item name="effectiveFrom" label={`${t('effectiveFrom')} (YYYY-MM-DD, UTC+8)`} rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}><Input id="draft-effective-from" placeholder="YYYY-MM-DD" autoComplete="off" /></Form.Item>
          <Form.Item name="leadTimeDays" label={t('leadTimeDays')}><InputNumber id="draft-lead-time" min={0} max={366} /></Form.Item>
        </Form>
        {draftProblems.length > 0 && (
          <Alert type="error" data-testid="draft-problems" title={<ul style={{ margin: 0, paddingLeft: 16 }}>{draftProblems.map((p) => <li key={`${p.field}:${p.message}`}><code>{p.field}</code>: {p.message}</li>)}</ul>} />
        )}
      </Modal>
      {reasonDialog}
    </>
  );
}

/** The rule data the services run with, read from the api (the same RuleBook). */
function RuleDataInForce() {
  const t = useT();
  const codes = useCodes();
  const [rules, setRules] = useState<RulesData>();
  useEffect(() => void call<RulesData>('api', '/v1/ops/rules').then(setRules).catch(() => undefined), []);
  const catalogue = useMemo(() => Object.values(rules?.catalogue ?? {}), [rules]);
  const deposits = useMemo(() => Object.entries(rules?.depositTableFen ?? {}).map(([store, v]) => ({ store, ...v }) as DepositRow), [rules]);
  if (!rules) return null;
  return (
    <div data-testid="rules">
      <Typography.Title level={2} style={{ fontSize: 18 }}>{t('ruleDataInForce')}</Typography.Title>
      <Tabs items={rules.versions.map((v) => ({
        key: v.version,
        label: `${t('version')} ${v.version}`,
        children: (
          <Card>
            <p>{t('effectiveFrom')}: {v.effectiveFrom} · appeal window {v.appealWindowDays} days · forgery: {String(v.forgery.kind)}</p>
            <DataTable<PointsRow> id={`points-${v.version}`} columnsKey="table.rule-points.columns" rowKey={(r) => r.track} source={{ rows: Object.entries(v.points).map(([track, p]) => ({ track, ...p })) }} exportName={`points-${v.version}`}
              columns={[
                { key: 'track', title: t('kind'), sortable: true, fixed: true, render: (r) => <EnumText kind="track" value={r.track} /> },
                ...['MINOR', 'STANDARD', 'SEVERE'].map((c) => ({ key: c, title: codes('severity', c), sortable: true })),
              ]} />
            <h4 style={{ marginTop: 16 }}>{t('ladder')}</h4>
            <DataTable<LadderStep> id={`ladder-${v.version}`} columnsKey="table.rule-ladder.columns" rowKey={(l) => String(l.node)} source={{ rows: v.ladders.SERIOUS }} exportName={`ladder-${v.version}`}
              columns={[
                { key: 'node', title: t('node'), sortable: true, fixed: true },
                { key: 'timedMeasures', title: t('timedMeasures'), value: (l) => l.timedMeasures.join(' '), render: (l) => <>{measureTags(l.timedMeasures)}{l.timedMeasures.length > 0 && ` (${l.timedMeasureDays}d)`}</> },
                { key: 'marketingBanDays', title: codes('measure', 'MARKETING_BAN'), sortable: true, render: (l) => (l.marketingBanDays ? `${l.marketingBanDays}d` : '—') },
                { key: 'oneOffMeasures', title: t('permanent'), value: (l) => l.oneOffMeasures.join(' '), render: (l) => (l.oneOffMeasures.length ? measureTags(l.oneOffMeasures) : '—') },
                { key: 'fineFen', title: t('finesCharged'), sortable: true, render: (l) => (l.fineFen === null ? 'deposit' : yuan(l.fineFen)) },
              ]} />
          </Card>
        ),
      }))} />
      <Card title={t('catalogue')} style={{ marginTop: 16 }}>
        <DataTable<CatalogueEntry> id="catalogue" rowKey={(c) => c.code} source={{ rows: catalogue }} exportName="violation-catalogue" pageSize={50}
          search={{ placeholder: 'code · zh · en', keys: ['code', 'zh', 'en'] }}
          columns={[
            { key: 'code', title: 'code', sortable: true, fixed: true },
            { key: 'track', title: t('kind'), sortable: true, filter: ['GENERAL', 'SERIOUS'].map((tr) => ({ value: tr, label: codes('track', tr) })), render: (c) => <EnumText kind="track" value={c.track} /> },
            { key: 'zh', title: 'zh', sortable: true },
            { key: 'en', title: 'en', sortable: true },
          ]} />
      </Card>
      <Card title={t('depositTable')} style={{ marginTop: 16 }}>
        <DataTable<DepositRow> id="deposit-table" rowKey={(r) => r.store} source={{ rows: deposits }} exportName="deposit-table"
          columns={[
            { key: 'store', title: t('storeType'), sortable: true, fixed: true, render: (r) => <EnumText kind="depositRow" value={r.store} /> },
            { key: 'TM', title: 'TM', sortable: true, value: (r) => r.TM / 100, render: (r) => yuan(r.TM) },
            { key: 'R', title: '®', sortable: true, value: (r) => r.R / 100, render: (r) => yuan(r.R) },
          ]} />
      </Card>
    </div>
  );
}
