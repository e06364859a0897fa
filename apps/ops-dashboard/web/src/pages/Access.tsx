import { App, Button, Card, Checkbox, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { call, type Me } from '../api';
import { useReasonDialog } from '../components/ReasonDialog';
import { shanghaiTime } from '../format';
import { EnumText } from '../components/EnumText';
import { useT } from '../i18n';
import { OperatorAuditTable } from '../components/AuditTable';
import { DataTable } from '../components/DataTable';

interface Operator { username: string; roles: string[]; marketplaces: string[] | null; createdAt: string; disabledAt: string | null }
interface ApiKey { keyId: string; name: string; scopes: string[]; createdBy: string; createdAt: string; revokedAt: string | null }

const ROLES = ['viewer', 'reviewer', 'admin'];
const SCOPES = ['violations:write', 'standing:read'];
/** The marketplaces offered for an operator's roles (any other well-formed name may be typed). */
const MARKETPLACES = ['tmall', 'tmall-global'];

/** Admins manage operator accounts and the API keys platform systems send violations with; the api's audit trail shows who did what. */
export function Access({ me }: { me: Me }) {
  const t = useT();
  const { message, modal } = App.useApp();
  const [operators, setOperators] = useState<Operator[]>([]);
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [auditVersion, setAuditVersion] = useState(0);
  const [newOperator, setNewOperator] = useState(false);
  const [newKey, setNewKey] = useState(false);
  const [issuedKey, setIssuedKey] = useState<string | null>(null);
  const [askReason, reasonDialog] = useReasonDialog();
  const [operatorForm] = Form.useForm();
  const [keyForm] = Form.useForm();

  const load = useCallback(() => {
    void call<{ items: Operator[] }>('api', '/v1/operators').then((r) => setOperators(r.items)).catch(() => undefined);
    void call<{ items: ApiKey[] }>('api', '/v1/api-keys').then((r) => setKeys(r.items)).catch(() => undefined);
    setAuditVersion((v) => v + 1);
  }, []);
  useEffect(load, [load]);

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      void message.success(t('done'));
      load();
      return true;
    } catch (e) {
      void message.error((e as Error).message);
      return false;
    }
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="access">
      <Card title={t('operators')} extra={<Button id="new-operator" onClick={() => setNewOperator(true)}>{t('newOperator')}</Button>}>
        <DataTable<Operator> id="operators" rowKey={(o) => o.username} source={{ rows: operators }} exportName="operators" search={{ placeholder: t('username'), keys: ['username'] }}
          columns={[
            { key: 'username', title: t('username'), sortable: true, fixed: true },
            {
              key: 'roles', title: t('roles'), value: (o) => o.roles.join(' '), filter: ROLES.map((r) => ({ value: r, label: <EnumText kind="role" value={r} /> })), matches: (o, role) => o.roles.includes(role),
              render: (o) => o.roles.map((r) => <Tag key={r}><EnumText kind="role" value={r} /></Tag>),
            },
            {
              key: 'marketplaces', title: t('rolesFor'), value: (o) => (o.marketplaces === null ? '' : o.marketplaces.join(' ')),
              render: (o) => (o.marketplaces === null ? t('allMarketplaces') : o.marketplaces.map((m) => <Tag key={m}><EnumText kind="marketplace" value={m} /></Tag>)),
            },
            { key: 'createdAt', title: t('createdAt'), sortable: true, firstOrder: 'desc', render: (o) => shanghaiTime(o.createdAt) },
            { key: 'disabledAt', title: t('status'), sortable: true, render: (o) => (o.disabledAt ? <Tag color="red">{t('disabled')} {shanghaiTime(o.disabledAt)}</Tag> : <Tag color="green">{t('active')}</Tag>) },
            {
              key: 'actions', title: t('actions'), fixed: true, noExport: true,
              render: (o) => !o.disabledAt && o.username !== me.subject && (
                <Button size="small" danger data-testid={`disable-${o.username}`}
                  onClick={() => modal.confirm({ title: `${t('disable')} ${o.username}?`, okText: t('disable'), okButtonProps: { id: 'confirm-disable' }, cancelText: t('cancel'), onOk: () => act(() => call('api', `/v1/operators/${encodeURIComponent(o.username)}/disabling`, {})) })}>
                  {t('disable')}
                </Button>
              ),
            },
          ]} />
      </Card>
      <Card title={t('apiKeys')} extra={<Button id="new-api-key" onClick={() => setNewKey(true)}>{t('newApiKey')}</Button>}>
        <DataTable<ApiKey> id="api-keys" rowKey={(k) => k.keyId} source={{ rows: keys }} exportName="api-keys" search={{ placeholder: t('name'), keys: ['name'] }}
          columns={[
            { key: 'keyId', title: t('apiKey'), fixed: true, value: (k) => `pk_${k.keyId}_…`, render: (k) => <code>pk_{k.keyId}_…</code> },
            { key: 'name', title: t('name'), sortable: true },
            { key: 'scopes', title: t('scopes'), value: (k) => k.scopes.join(' '), render: (k) => k.scopes.map((s) => <Tag key={s}><EnumText kind="apiKeyScope" value={s} /></Tag>) },
            { key: 'createdBy', title: t('author'), sortable: true, hidden: true },
            { key: 'createdAt', title: t('createdAt'), sortable: true, firstOrder: 'desc', render: (k) => shanghaiTime(k.createdAt) },
            { key: 'revokedAt', title: t('status'), sortable: true, render: (k) => (k.revokedAt ? <Tag color="red">{t('revoked')} {shanghaiTime(k.revokedAt)}</Tag> : <Tag color="green">{t('active')}</Tag>) },
            {
              key: 'actions', title: t('actions'), fixed: true, noExport: true,
              render: (k) => !k.revokedAt && (
                <Button size="small" danger data-testid={`revoke-${k.name}`}
                  onClick={() => askReason(`${t('revoke')} ${k.name}`, async (reason) => void (await act(() => call('api', `/v1/api-keys/${k.keyId}/revocation`, { reason }))))}>
                  {t('revoke')}
                </Button>
              ),
            },
          ]} />
      </Card>
      <Card title={t('auditTrail')}>
        <OperatorAuditTable refreshKey={auditVersion} />
      </Card>

      <Modal open={newOperator} title={t('newOperator')} okText={t('confirm')} cancelText={t('cancel')} okButtonProps={{ id: 'create-operator' }} onCancel={() => setNewOperator(false)}
        onOk={() => void operatorForm.validateFields().then(async (values) => {
          // No marketplace chosen: the roles are for every marketplace.
          const { marketplaces, ...account } = values as { marketplaces?: string[] };
          if (await act(() => call('api', '/v1/operators', marketplaces && marketplaces.length > 0 ? { ...account, marketplaces } : account))) {
            setNewOperator(false);
            operatorForm.resetFields();
          }
        })}>
        <Form form={operatorForm} layout="vertical" initialValues={{ roles: ['viewer'] }}>
          <Form.Item name="username" label={t('username')} rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9._-]{2,63}$/ }]}><Input id="operator-username" autoComplete="off" /></Form.Item>
          <Form.Item name="password" label={t('password')} rules={[{ required: true, min: 12 }]}><Input.Password id="operator-password" autoComplete="new-password" /></Form.Item>
          <Form.Item name="roles" label={t('roles')} rules={[{ required: true, type: 'array', min: 1 }]}><Checkbox.Group options={ROLES.map((role) => ({ value: role, label: <EnumText kind="role" value={role} /> }))} /></Form.Item>
          <Form.Item name="marketplaces" label={t('rolesFor')} extra={t('rolesForHint')} rules={[{ type: 'array', defaultField: { pattern: /^[a-z0-9-]{1,32}$/, message: t('marketplaceName') } }]}>
            <Select id="operator-marketplaces" mode="tags" allowClear placeholder={t('allMarketplaces')} aria-label={t('rolesFor')}
              options={MARKETPLACES.map((m) => ({ value: m, label: <EnumText kind="marketplace" value={m} /> }))} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={newKey} title={t('newApiKey')} okText={t('confirm')} cancelText={t('cancel')} okButtonProps={{ id: 'create-api-key' }} onCancel={() => setNewKey(false)}
        onOk={() => void keyForm.validateFields().then(async (values) => {
          try {
            const created = await call<{ key: string }>('api', '/v1/api-keys', values);
            setNewKey(false);
            keyForm.resetFields();
            setIssuedKey(created.key);
            load();
          } catch (e) {
            void message.error((e as Error).message);
          }
        })}>
        <Form form={keyForm} layout="vertical" initialValues={{ scopes: ['violations:write'] }}>
          <Form.Item name="name" label={t('heldBy')} rules={[{ required: true, max: 100 }]}><Input id="api-key-name" autoComplete="off" /></Form.Item>
          <Form.Item name="scopes" label={t('scopes')} rules={[{ required: true, type: 'array', min: 1 }]}><Checkbox.Group options={SCOPES.map((scope) => ({ value: scope, label: <EnumText kind="apiKeyScope" value={scope} /> }))} /></Form.Item>
        </Form>
      </Modal>
      <Modal open={issuedKey !== null} title={t('keyShownOnce')} footer={<Button type="primary" id="key-noted" onClick={() => setIssuedKey(null)}>{t('done')}</Button>} closable={false}>
        <Typography.Paragraph copyable code data-testid="issued-key">{issuedKey}</Typography.Paragraph>
      </Modal>
      {reasonDialog}
    </Space>
  );
}
