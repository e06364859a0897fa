import { App, AutoComplete, Button, Card, Descriptions, Drawer, Input, Modal, Radio, Select, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, call, type Me, type Service } from '../api';
import { Countdown, useNow } from '../components/Countdown';
import { EnumText } from '../components/EnumText';
import { ShortId } from '../components/ShortId';
import { ViolationEvidence } from '../components/ViolationEvidence';
import { shanghaiTime } from '../format';
import { codesOf, useCodes, useT } from '../i18n';
import { DataTable } from '../components/DataTable';
import { tableSearchParams, type TableQuery } from '../table-query';

/** GET /v1/ops/review-queue's page bound (limit ≤ 200). */
const REVIEW_MAX_PAGE = 200;
/** No bulk results yet (one array, so the table does not ask again each render). */
const NO_RESULTS: never[] = [];
const REJECTION_REASONS = ['MATERIALS_NOT_GENUINE', 'MATERIALS_INCOMPLETE', 'IP_DISPUTE_UNRESOLVED', 'RULES_MISUNDERSTOOD', 'WINDOW_MISSED'];
/** Which service owns a decision, and under which URL collection its appeals live. */
const OWNERS: Record<string, { service: Service; collection: string }> = {
  PENALTY: { service: 'scoring-service', collection: 'penalties' },
  SANCTION: { service: 'sanction-service', collection: 'sanctions' },
  FORGERY_CASE: { service: 'sanction-service', collection: 'forgery-cases' },
};

interface EvidenceDocument {
  kind: string;
  issuer: string;
  validFrom?: string;
  validUntil: string;
  sha256: string;
}

/** GET /v1/ops/review-queue's items. */
interface Item {
  kind: 'APPEAL' | 'FORGERY_REMEDIATION';
  id: string;
  merchantId: string;
  /** The merchant's marketplace: a reviewer whose roles are for some marketplaces sees only theirs. */
  marketplace: string;
  subjectKind: string;
  subjectId: string;
  round?: number;
  caseNumber?: number;
  violationId?: string;
  submittedAt: string | null;
  deadline: string | null;
  evidence: EvidenceDocument[];
  claimedBy: string | null;
  claimedAt: string | null;
}

/** POST /v1/appeals/decisions: each appeal decided or refused on its own. */
interface BulkResult {
  appealId: string;
  decided: boolean;
  status: string | null;
  code: string | null;
  detail: string | null;
}

interface Operator {
  username: string;
  roles: string[];
  disabled?: boolean;
  disabledAt?: string | null;
}

/** An appeal's own routes on the service that owns what it appeals. */
const appealPath = (item: Item, action: string) => {
  const owner = OWNERS[item.subjectKind];
  return { service: owner.service, path: `/v1/${owner.collection}/${encodeURIComponent(item.subjectId)}/appeals/${item.id}/${action}` };
};

/** Where an item is claimed, released or noted: an appeal's routes, or the forgery case's on the sanction service. */
const workPath = (item: Item, action: 'claim' | 'release' | 'notes') => {
  if (item.kind === 'APPEAL') return appealPath(item, action);
  const caseUrl = `/v1/forgery-cases/${encodeURIComponent(item.id)}`;
  return { service: 'sanction-service' as Service, path: action === 'notes' ? `${caseUrl}/notes` : `${caseUrl}/remediation/${action}` };
};

/** The violation the item is about, where the read model names it. */
const violationOf = (item: Item) => item.violationId ?? (item.subjectKind === 'PENALTY' ? item.subjectId : undefined);

/**
 * Pending appeals and submitted forgery remediations, soonest deadline first, worked as a team: a
 * reviewer claims an item (or assigns it to a colleague) and only the holder decides it, which the
 * services enforce (409 APPEAL.CLAIMED_BY_ANOTHER or FORGERY.CLAIMED_BY_ANOTHER, shown here); case
 * notes go to the audit trail; several appeals are decided at once with one reason, each decided or
 * refused on its own.
 */
export function ReviewQueue({ me }: { me: Me }) {
  const t = useT();
  const codes = useCodes();
  const { message } = App.useApp();
  const [items, setItems] = useState<Item[]>([]);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [selected, setSelected] = useState<string[]>([]);
  const [operators, setOperators] = useState<string[]>([]);
  const [evidenceOf, setEvidenceOf] = useState<Item>();
  const [noteFor, setNoteFor] = useState<Item>();
  const [assignFor, setAssignFor] = useState<Item>();
  const [bulkOpen, setBulkOpen] = useState(false);
  const [bulkResults, setBulkResults] = useState<(BulkResult & { merchantId: string })[]>();

  const [version, setVersion] = useState(0);
  const load = useCallback(() => setVersion((v) => v + 1), []);
  const source = useCallback(async (query: TableQuery) => {
    const r = await call<{ items: Item[]; total: number }>('api', `/v1/ops/review-queue?${tableSearchParams(query)}`);
    return { items: r.items, total: r.total };
  }, []);
  // Admins may list the operator accounts; a reviewer types a colleague's sign-in name (offered from the claims seen).
  useEffect(() => {
    if (!me.roles.includes('admin')) return;
    void call<{ items: Operator[] }>('api', '/v1/operators')
      .then((r) => setOperators(r.items.filter((o) => !o.disabled && !o.disabledAt && o.roles.some((role) => role === 'reviewer' || role === 'admin')).map((o) => o.username)))
      .catch(() => undefined);
  }, [me]);
  // A selection keeps only appeals still in the queue (on the page shown).
  useEffect(() => setSelected((current) => current.filter((id) => items.some((i) => i.id === id))), [items]);

  /** A refusal in the operator's words (the service's code translated, its detail after it). */
  const explain = (e: unknown) => (e instanceof ApiError && e.problem.code ? `${codes('problem', e.problem.code)}: ${e.message}` : (e as Error).message);
  const run = async (work: () => Promise<unknown>, done: string = t('done')) => {
    try {
      await work();
      void message.success(done);
      load();
      return true;
    } catch (e) {
      void message.error(explain(e));
      return false;
    }
  };

  const decide = (item: Item, accepted: boolean) =>
    run(async () => {
      if (item.kind === 'APPEAL') {
        const { service, path } = appealPath(item, 'decision');
        await call(service, path, accepted ? { decision: 'ACCEPTED' } : { decision: 'REJECTED', rejectionReason: reasons[item.id] });
      } else {
        await call('sanction-service', `/v1/forgery-cases/${item.id}/remediation/review`, { accepted });
      }
    }, t('decided'));
  const claim = (item: Item, assignee?: string) => {
    const { service, path } = workPath(item, 'claim');
    return run(() => call(service, path, assignee ? { assignee } : {}));
  };
  const release = (item: Item) => {
    const { service, path } = workPath(item, 'release');
    return run(() => call(service, path, {}));
  };

  /** One bulk request per owning service (each decides only its own appeals), the answers merged in the order selected. */
  const decideSelected = async (decision: { decision: 'ACCEPTED' | 'REJECTED'; rejectionReason?: string; note?: string }) => {
    const chosen = items.filter((i) => selected.includes(i.id) && i.kind === 'APPEAL');
    const byService = new Map<Service, Item[]>();
    for (const item of chosen) byService.set(OWNERS[item.subjectKind].service, [...(byService.get(OWNERS[item.subjectKind].service) ?? []), item]);
    const answers = await Promise.all(
      [...byService].map(([service, group]) =>
        call<{ items: BulkResult[] }>(service, '/v1/appeals/decisions', {
          ...decision,
          items: group.map((i) => ({ collection: OWNERS[i.subjectKind].collection, subjectId: i.subjectId, appealId: i.id })),
        })
          .then((r) => r.items)
          .catch((e: unknown) => group.map((i) => ({ appealId: i.id, decided: false, status: null, code: e instanceof ApiError ? (e.problem.code ?? `HTTP ${e.status}`) : 'NETWORK', detail: (e as Error).message }))),
      ),
    );
    const byId = new Map(answers.flat().map((r) => [r.appealId, r]));
    setBulkResults(chosen.map((i) => ({ ...(byId.get(i.id) ?? { appealId: i.id, decided: false, status: null, code: null, detail: null }), merchantId: i.merchantId })));
    setSelected([]);
    load();
  };

  const colleagues = useMemo(() => [...new Set([...operators, ...items.map((i) => i.claimedBy).filter((c): c is string => c !== null)])].filter((c) => c !== me.subject).sort(), [operators, items, me]);
  const claimTag = (item: Item) =>
    item.claimedBy === null ? (
      <Tag data-testid={`claimed-by-${item.id}`}>{t('unclaimed')}</Tag>
    ) : (
      <Tag color={item.claimedBy === me.subject ? 'blue' : 'orange'} data-testid={`claimed-by-${item.id}`} title={item.claimedAt ? shanghaiTime(item.claimedAt) : undefined}>
        {item.claimedBy === me.subject ? `${item.claimedBy} (${t('you')})` : item.claimedBy}
      </Tag>
    );

  return (
    <Card title={t('reviewQueue')}
      extra={
        <Space>
          <span data-testid="selected-count">{t('selected')} {selected.length}</span>
          <Button id="decide-selected" type="primary" disabled={selected.length === 0} onClick={() => setBulkOpen(true)}>{t('decideSelected')}</Button>
        </Space>
      }>
      <DataTable<Item> id="review-queue" rowKey={(i) => i.id} source={{ server: source, maxPageSize: REVIEW_MAX_PAGE }} exportName="review-queue" pageSize={20}
        search={{ placeholder: t('searchReviewQueue') }} refreshMs={3_000} refreshKey={version} onRows={setItems}
        tableProps={{
          locale: { emptyText: t('nothingToReview') },
          rowSelection: {
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys.map(String)),
            // The bulk route decides appeals; a forgery remediation is reviewed on its own.
            getCheckboxProps: (i) => ({ disabled: i.kind !== 'APPEAL', 'aria-label': `${t('selected')} ${i.merchantId} ${i.id}`, id: `select-${i.id}` }),
          },
        }}
        columns={[
          {
            key: 'kind', title: t('kind'), sortable: true, filter: codesOf('reviewKind').map((k) => ({ value: k, label: codes('reviewKind', k) })),
            render: (i) => (
              <Space size={4} direction="vertical">
                <Tag><EnumText kind="reviewKind" value={i.kind} /></Tag>
                <span><EnumText kind="subjectKind" value={i.subjectKind} /> <ShortId id={i.subjectId} /></span>
              </Space>
            ),
          },
          { key: 'subjectId', title: t('subject'), hidden: true, value: (i) => `${i.subjectKind} ${i.subjectId}` },
          {
            key: 'merchantId', title: t('merchant'), sortable: true,
            render: (i) => (
              <Space size={2} direction="vertical">
                <span>{i.merchantId} <Tag><EnumText kind="marketplace" value={i.marketplace} /></Tag></span>
                <Typography.Text type="secondary" title={t('submittedAt')}>{shanghaiTime(i.submittedAt)}</Typography.Text>
              </Space>
            ),
          },
          { key: 'marketplace', title: t('marketplace'), hidden: true, filter: codesOf('marketplace').map((m) => ({ value: m, label: codes('marketplace', m) })), render: (i) => <EnumText kind="marketplace" value={i.marketplace} /> },
          { key: 'submittedAt', title: t('submittedAt'), sortable: true, firstOrder: 'desc', hidden: true, render: (i) => shanghaiTime(i.submittedAt) },
          { key: 'id', title: 'ID', render: (i) => <ShortId id={i.id} testId={`item-id-${i.id}`} /> },
          { key: 'round', title: t('round'), value: (i) => i.round ?? (i.caseNumber !== undefined ? `#${i.caseNumber}` : null) },
          {
            key: 'deadline', title: t('deadline'), sortable: true,
            render: (i) => (
              <Space size={2} direction="vertical">
                <span>{shanghaiTime(i.deadline)}</span>
                <Countdown deadline={i.deadline} testId={`countdown-${i.id}`} />
              </Space>
            ),
          },
          {
            key: 'claimedBy', title: t('claimedBy'), sortable: true, filterParam: 'claim', render: (i) => claimTag(i),
            filter: [{ value: 'claimed', label: t('claimedAny') }, { value: 'unclaimed', label: t('unclaimed') }],
          },
          {
            key: 'evidence', title: t('evidence'), noExport: true,
            render: (i) => (
              <Button size="small" onClick={() => setEvidenceOf(i)} data-testid={`evidence-${i.id}`}>
                {t('evidenceViewer')} ({i.evidence.length})
              </Button>
            ),
          },
          {
            key: 'actions', title: t('actions'), fixed: true, noExport: true,
            render: (item) => (
              <Space direction="vertical" size={4}>
                <Space size={4}>
                  {item.claimedBy === null && <Button size="small" onClick={() => void claim(item)} data-testid={`claim-${item.id}`}>{t('claim')}</Button>}
                  {item.claimedBy === me.subject && <Button size="small" onClick={() => void release(item)} data-testid={`release-${item.id}`}>{t('release')}</Button>}
                  <Button size="small" onClick={() => setAssignFor(item)} data-testid={`assign-${item.id}`}>{t('assign')}</Button>
                  <Button size="small" onClick={() => setNoteFor(item)} data-testid={`note-${item.id}`}>{t('note')}</Button>
                </Space>
                <Space size={4}>
                  <Button size="small" type="primary" onClick={() => void decide(item, true)} data-testid={`accept-${item.id}`}>{t('accept')}</Button>
                  {item.kind === 'APPEAL' && (
                    <Select size="small" placeholder={t('rejectionReason')} aria-label={`${t('rejectionReason')} ${item.id}`} style={{ width: 180 }} value={reasons[item.id]}
                      onChange={(v) => setReasons({ ...reasons, [item.id]: v })} data-testid={`reason-${item.id}`}
                      options={REJECTION_REASONS.map((r) => ({ value: r, label: <EnumText kind="rejectionReason" value={r} /> }))} />
                  )}
                  <Button size="small" danger disabled={item.kind === 'APPEAL' && !reasons[item.id]} onClick={() => void decide(item, false)} data-testid={`reject-${item.id}`}>{t('reject')}</Button>
                </Space>
              </Space>
            ),
          },
        ]} />
      <EvidenceDrawer item={evidenceOf} onClose={() => setEvidenceOf(undefined)} />
      <NoteDialog item={noteFor} onClose={() => setNoteFor(undefined)}
        save={(item, text) => run(() => { const { service, path } = workPath(item, 'notes'); return call(service, path, { text }); }, t('noteSaved'))} />
      <AssignDialog item={assignFor} colleagues={colleagues} onClose={() => setAssignFor(undefined)} assign={(item, assignee) => claim(item, assignee)} />
      <BulkDecisionDialog open={bulkOpen} count={selected.length} onClose={() => setBulkOpen(false)} decide={decideSelected} />
      <Modal open={bulkResults !== undefined} title={t('bulkResults')} onCancel={() => setBulkResults(undefined)} footer={<Button type="primary" onClick={() => setBulkResults(undefined)} id="bulk-results-close">{t('confirm')}</Button>} width={820}>
        <DataTable<BulkResult & { merchantId: string }> id="bulk-results" rowKey={(r) => r.appealId} source={{ rows: bulkResults ?? NO_RESULTS }} exportName="bulk-decisions"
          columns={[
            { key: 'appealId', title: 'ID', render: (r) => <ShortId id={r.appealId} /> },
            { key: 'merchantId', title: t('merchant'), sortable: true },
            {
              key: 'decided', title: t('decision'), sortable: true, value: (r) => (r.decided ? r.status : 'REFUSED'),
              render: (r) => (r.decided ? <Tag color="green"><EnumText kind="appealStatus" value={r.status} /></Tag> : <Tag color="red">{t('refused')}</Tag>),
            },
            { key: 'code', title: t('reason'), sortable: true, render: (r) => (r.code ? <span><EnumText kind="problem" value={r.code} />{r.detail && <Typography.Text type="secondary"> · {r.detail}</Typography.Text>}</span> : '—') },
            { key: 'detail', title: t('detail'), hidden: true },
          ]} />
      </Modal>
    </Card>
  );
}

/** The item's documents (kind, issuer, validity, SHA-256), and its violations' item ids and evidence (from the scoring service). */
function EvidenceDrawer({ item, onClose }: { item: Item | undefined; onClose: () => void }) {
  const t = useT();
  const now = useNow(60_000);
  const violationId = item && violationOf(item);
  return (
    <Drawer open={item !== undefined} onClose={onClose} width={860} title={item && <span>{t('evidence')} · {item.merchantId}</span>} destroyOnHidden>
      {item && (
        <div data-testid="evidence-drawer">
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('kind')}><EnumText kind="reviewKind" value={item.kind} /></Descriptions.Item>
            <Descriptions.Item label={t('subject')}><EnumText kind="subjectKind" value={item.subjectKind} /> <ShortId id={item.subjectId} /></Descriptions.Item>
            <Descriptions.Item label={t('merchant')}>{item.merchantId}</Descriptions.Item>
            <Descriptions.Item label={t('violation')}>{violationId ? <ShortId id={violationId} /> : '—'}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('documents')}</Typography.Title>
          <DataTable<EvidenceDocument> id="evidence-documents" rowKey={(d) => `${d.sha256}/${d.kind}`} source={{ rows: item.evidence }} exportName={`evidence-${item.id}`}
            columns={[
              { key: 'kind', title: t('kind'), sortable: true, render: (d) => <EnumText kind="evidenceKind" value={d.kind} /> },
              { key: 'issuer', title: t('issuer'), sortable: true },
              { key: 'validFrom', title: t('validFrom'), sortable: true, render: (d) => shanghaiTime(d.validFrom) },
              { key: 'validUntil', title: t('validUntil'), sortable: true, render: (d) => <span>{shanghaiTime(d.validUntil)} {Date.parse(d.validUntil) < now && <Tag color="red">{t('expired')}</Tag>}</span> },
              { key: 'sha256', title: t('sha256'), render: (d) => <Typography.Text code copyable={{ text: d.sha256, tooltips: [t('copy'), t('copied')] }} title={d.sha256}>{`${d.sha256.slice(0, 16)}…`}</Typography.Text> },
            ]} />
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('violationEvidence')}</Typography.Title>
          <ViolationEvidence subject={item} exportName={`violation-evidence-${item.id}`} />
        </div>
      )}
    </Drawer>
  );
}

/** A case note on an appeal, kept in the audit trail of the service that owns it. */
function NoteDialog({ item, onClose, save }: { item: Item | undefined; onClose: () => void; save: (item: Item, text: string) => Promise<boolean> }) {
  const t = useT();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const close = () => {
    setText('');
    onClose();
  };
  return (
    <Modal open={item !== undefined} destroyOnHidden title={t('addNote')} okText={t('save')} cancelText={t('cancel')} onCancel={close}
      okButtonProps={{ disabled: text.trim().length === 0, loading: busy, id: 'note-ok' }}
      onOk={async () => {
        setBusy(true);
        const saved = await save(item!, text.trim());
        setBusy(false);
        if (saved) close();
      }}>
      <Input.TextArea id="note-text" aria-label={t('note')} rows={4} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} />
    </Modal>
  );
}

/** Assigns an appeal to a colleague (the name they sign in with). */
function AssignDialog({ item, colleagues, onClose, assign }: { item: Item | undefined; colleagues: string[]; onClose: () => void; assign: (item: Item, assignee: string) => Promise<boolean> }) {
  const t = useT();
  const [assignee, setAssignee] = useState('');
  const close = () => {
    setAssignee('');
    onClose();
  };
  return (
    <Modal open={item !== undefined} destroyOnHidden title={t('assignTo')} okText={t('assign')} cancelText={t('cancel')} onCancel={close}
      okButtonProps={{ disabled: assignee.trim().length === 0, id: 'assign-ok' }}
      onOk={async () => {
        if (await assign(item!, assignee.trim())) close();
      }}>
      <AutoComplete id="assignee" aria-label={t('colleague')} placeholder={t('colleague')} style={{ width: '100%' }} value={assignee} onChange={setAssignee}
        options={colleagues.map((c) => ({ value: c }))} filterOption={(input, option) => String(option?.value ?? '').toLowerCase().includes(input.toLowerCase())} />
    </Modal>
  );
}

/** One decision and reason for every selected appeal. */
function BulkDecisionDialog({ open, count, onClose, decide }: { open: boolean; count: number; onClose: () => void; decide: (d: { decision: 'ACCEPTED' | 'REJECTED'; rejectionReason?: string; note?: string }) => Promise<void> }) {
  const t = useT();
  const [decision, setDecision] = useState<'ACCEPTED' | 'REJECTED'>('REJECTED');
  const [reason, setReason] = useState<string>();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const close = () => {
    setReason(undefined);
    setNote('');
    onClose();
  };
  return (
    <Modal open={open} destroyOnHidden title={`${t('decideSelected')} (${count})`} okText={t('confirm')} cancelText={t('cancel')} onCancel={close}
      okButtonProps={{ disabled: decision === 'REJECTED' && !reason, loading: busy, id: 'bulk-ok' }}
      onOk={async () => {
        setBusy(true);
        try {
          await decide({ decision, ...(decision === 'REJECTED' ? { rejectionReason: reason } : {}), ...(note.trim() ? { note: note.trim() } : {}) });
          close();
        } finally {
          setBusy(false);
        }
      }}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Radio.Group id="bulk-decision" value={decision} onChange={(e) => setDecision(e.target.value)} optionType="button"
          options={(['ACCEPTED', 'REJECTED'] as const).map((d) => ({ value: d, label: <EnumText kind="decision" value={d} /> }))} />
        {decision === 'REJECTED' && (
          <Select id="bulk-reason" aria-label={t('rejectionReason')} placeholder={t('rejectionReason')} style={{ width: '100%' }} value={reason} onChange={setReason}
            options={REJECTION_REASONS.map((r) => ({ value: r, label: <EnumText kind="rejectionReason" value={r} /> }))} />
        )}
        <Input.TextArea id="bulk-note" aria-label={t('reasonAudited')} placeholder={t('reasonAudited')} rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      </Space>
    </Modal>
  );
}
