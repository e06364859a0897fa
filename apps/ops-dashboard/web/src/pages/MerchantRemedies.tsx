import { App, Button, Card, Checkbox, Form, Input, InputNumber, Modal, Space, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { call, type Me } from '../api';
import { useReasonDialog } from '../components/ReasonDialog';
import { shanghaiTime } from '../format';
import { EnumText } from '../components/EnumText';
import { ShortId } from '../components/ShortId';
import { codesOf, useCodes, useT } from '../i18n';
import { MerchantAuditTable } from '../components/AuditTable';
import { DataTable } from '../components/DataTable';

interface ExamChance { chanceId: string; naturalYear: number; status: string; grantedAt: string; expiresAt: string; violationId: string | null; reason: string | null }

export const canReview = (me: Me) => me.roles.some((r) => r === 'reviewer' || r === 'admin');
export const isAdmin = (me: Me) => me.roles.includes('admin');

/** Runs an operator command, tells the operator how it went, and reloads. */
function useCommand(reload: () => void) {
  const t = useT();
  const { message } = App.useApp();
  return async (work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
      void message.success(t('done'));
      reload();
    } catch (e) {
      void message.error((e as Error).message);
      throw e;
    }
  };
}

/** The merchant's exam-instead-of-penalty chances; reviewers grant, refuse or void them and record exam results. */
export function ExamChancesCard({ merchantId, me }: { merchantId: string; me: Me }) {
  const t = useT();
  const codes = useCodes();
  const [chances, setChances] = useState<ExamChance[]>([]);
  const [askReason, reasonDialog] = useReasonDialog();
  const load = useCallback(
    () => void call<{ items: ExamChance[] }>('scoring-service', `/v1/merchants/${encodeURIComponent(merchantId)}/exam-chances`).then((r) => setChances(r.items)).catch(() => undefined),
    [merchantId],
  );
  useEffect(() => {
    load();
    const timer = setInterval(load, 3_000);
    return () => clearInterval(timer);
  }, [load]);
  const run = useCommand(load);
  const reviewer = canReview(me);
  const chanceCall = (chance: ExamChance, action: string, body: object) => run(() => call('scoring-service', `/v1/exam-chances/${chance.chanceId}/${action}`, body));
  return (
    <Card title={t('examChances')} data-testid="exam-chances"
      extra={reviewer && <Button id="grant-exam-chance" onClick={() => askReason(t('grantChance'), (note) => run(() => call('scoring-service', `/v1/merchants/${encodeURIComponent(merchantId)}/exam-chances`, { note })))}>{t('grantChance')}</Button>}>
      <DataTable<ExamChance> id="exam-chances-table" rowKey={(c) => c.chanceId} source={{ rows: chances }} exportName="exam-chances"
        columns={[
          { key: 'naturalYear', title: t('year'), sortable: true, firstOrder: 'desc' },
          {
            key: 'status', title: t('status'), sortable: true, filter: codesOf('examChance').map((s) => ({ value: s, label: codes('examChance', s) })),
            render: (c) => <Tag color={c.status === 'PASSED' ? 'green' : c.status === 'GRANTED' || c.status === 'CHOSEN' ? 'blue' : 'default'}><EnumText kind="examChance" value={c.status} /></Tag>,
          },
          { key: 'expiresAt', title: t('expiresAt'), sortable: true, render: (c) => shanghaiTime(c.expiresAt) },
          { key: 'violationId', title: t('violation'), render: (c) => <ShortId id={c.violationId} /> },
          { key: 'reason', title: t('reason'), ellipsis: true },
          {
            key: 'actions', title: t('actions'), fixed: true, noExport: true,
            render: (c) => reviewer && (
              <Space size="small">
                {c.status === 'CHOSEN' && <Button size="small" type="primary" onClick={() => void chanceCall(c, 'result', { result: 'PASSED' }).catch(() => undefined)}>{t('examPassed')}</Button>}
                {c.status === 'CHOSEN' && <Button size="small" onClick={() => void chanceCall(c, 'result', { result: 'FAILED' }).catch(() => undefined)}>{t('examFailed')}</Button>}
                {(c.status === 'GRANTED' || c.status === 'CHOSEN') && <Button size="small" danger onClick={() => askReason(t('refuseChance'), (reason) => chanceCall(c, 'refusal', { reason }))}>{t('refuseChance')}</Button>}
                {['GRANTED', 'CHOSEN', 'PASSED', 'FAILED'].includes(c.status) && (
                  <Button size="small" danger data-testid={`void-${c.chanceId}`} onClick={() => askReason(t('voidChance'), (reason) => chanceCall(c, 'voiding', { reason }))}>{t('voidChance')}</Button>
                )}
              </Space>
            ),
          },
        ]} />
      {reasonDialog}
    </Card>
  );
}

/**
 * An admin lifts a sanction's active measures before their end (reason OPERATOR): one action per
 * sanction, every measure chosen at first (POST /v1/sanctions/{id}/lifts names them, so what the
 * operator saw is what is lifted), the reason kept in the audit trail.
 */
export function LiftSanctionButton({ sanctionId, measureTypes, onLifted }: { sanctionId: string; measureTypes: string[]; onLifted: () => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<string[]>(measureTypes);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const run = useCommand(onLifted);
  const close = () => {
    setOpen(false);
    setReason('');
  };
  return (
    <>
      <Button size="small" danger data-testid={`lift-sanction-${sanctionId}`} onClick={() => { setChosen(measureTypes); setOpen(true); }}>
        {t('liftSanction')}
      </Button>
      <Modal open={open} destroyOnHidden title={t('liftSanction')} okText={t('lift')} cancelText={t('cancel')} onCancel={close}
        okButtonProps={{ danger: true, disabled: chosen.length === 0 || reason.trim().length < 3, loading: busy, id: 'reason-ok' }}
        onOk={async () => {
          setBusy(true);
          try {
            await run(() => call('sanction-service', `/v1/sanctions/${sanctionId}/lifts`, { measureTypes: measureTypes.filter((m) => chosen.includes(m)), reason: reason.trim() }));
            close();
          } catch {
            // The command has told the operator what went wrong; the dialog stays open to retry.
          } finally {
            setBusy(false);
          }
        }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <span id="lift-measures-label">{t('measuresToLift')}</span>
          <Checkbox.Group aria-labelledby="lift-measures-label" value={chosen} onChange={(v) => setChosen(v.map(String))} data-testid="lift-measures"
            style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
            options={measureTypes.map((m) => ({ value: m, label: <EnumText kind="measure" value={m} /> }))} />
          <Input.TextArea id="reason-text" aria-label={t('reasonAudited')} rows={3} maxLength={2000} placeholder={t('reasonAudited')} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Space>
      </Modal>
    </>
  );
}

/** An admin records a deposit payment from the payment system (idempotent per payment reference). */
export function RecordPaymentButton({ merchantId, onRecorded }: { merchantId: string; onRecorded: () => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ paymentId: string; amountYuan: number }>();
  const run = useCommand(onRecorded);
  return (
    <>
      <Button size="small" id="record-payment" onClick={() => setOpen(true)}>{t('recordPayment')}</Button>
      <Modal open={open} title={t('recordPayment')} okText={t('confirm')} cancelText={t('cancel')} okButtonProps={{ id: 'payment-ok' }} onCancel={() => setOpen(false)}
        onOk={() => void form.validateFields().then(({ paymentId, amountYuan }) =>
          run(() => call('sanction-service', `/v1/merchants/${encodeURIComponent(merchantId)}/deposit/payments`, { paymentId, amountFen: Math.round(amountYuan * 100) })).then(() => {
            setOpen(false);
            form.resetFields();
          }),
        ).catch(() => undefined)}>
        <Form form={form} layout="vertical">
          <Form.Item name="paymentId" label={t('paymentReference')} rules={[{ required: true, pattern: /^[\w.:-]{1,128}$/ }]}><Input id="payment-id" autoComplete="off" /></Form.Item>
          <Form.Item name="amountYuan" label={t('amountYuan')} rules={[{ required: true, type: 'number', min: 0.01 }]}><InputNumber id="payment-amount" min={0.01} precision={2} style={{ width: 200 }} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** Who did what to this merchant, from the scoring and sanction services' audit trails. */
export function AuditCard({ merchantId }: { merchantId: string }) {
  const t = useT();
  return (
    <Card title={t('auditTrail')} style={{ marginTop: 16 }}>
      <MerchantAuditTable merchantId={merchantId} />
    </Card>
  );
}
