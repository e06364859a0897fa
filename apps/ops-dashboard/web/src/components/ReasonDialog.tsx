import { Input, Modal } from 'antd';
import { useState, type ReactElement } from 'react';
import { useT } from '../i18n';

/** Operator actions that change a merchant's case carry a reason, kept in the audit trail. */
export function useReasonDialog(): [(title: string, act: (reason: string) => Promise<void>) => void, ReactElement] {
  const t = useT();
  const [pending, setPending] = useState<{ title: string; act: (reason: string) => Promise<void> } | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const close = () => {
    setPending(null);
    setReason('');
  };
  const dialog = (
    <Modal
      open={pending !== null}
      destroyOnHidden
      title={pending?.title}
      okText={t('confirm')}
      cancelText={t('cancel')}
      okButtonProps={{ disabled: reason.trim().length < 3, loading: busy, id: 'reason-ok' }}
      onCancel={close}
      onOk={async () => {
        setBusy(true);
        try {
          await pending!.act(reason.trim());
          close();
        } catch {
          // The action has told the operator what went wrong; the dialog stays open to retry.
        } finally {
          setBusy(false);
        }
      }}
    >
      <Input.TextArea id="reason-text" rows={3} maxLength={2000} placeholder={t('reasonAudited')} value={reason} onChange={(e) => setReason(e.target.value)} />
    </Modal>
  );
  return [(title, act) => setPending({ title, act }), dialog];
}
