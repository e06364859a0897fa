import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { ApiError, call, type Me } from '../api';
import { useT } from '../i18n';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const t = useT();
  const [error, setError] = useState<string>();
  const submit = async (values: { username: string; password: string }) => {
    setError(undefined);
    try {
      const session = await call<{ username: string; roles: Me['roles'] }>('api', '/v1/auth/sign-in', values);
      onSignedIn({ subject: session.username, roles: session.roles });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <Card title={t('signIn')} style={{ maxWidth: 380, margin: '120px auto' }}>
      {error && <Alert type="error" message={error} style={{ marginBottom: 16 }} data-testid="sign-in-error" />}
      <Form layout="vertical" onFinish={submit}>
        <Form.Item name="username" label={t('username')} rules={[{ required: true }]}>
          <Input autoComplete="username" id="username" />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" id="password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block id="sign-in">
          {t('signIn')}
        </Button>
      </Form>
    </Card>
  );
}
