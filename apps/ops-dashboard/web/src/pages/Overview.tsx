import { Card, Col, Row, Statistic, Table } from 'antd';
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Figures } from '../../../server/live-figures';
import { call } from '../api';
import { yuan } from '../format';
import { useT } from '../i18n';

interface Decisions {
  today: { node: string; sanctions: number; finesFen: number }[];
  days: { day: string; sanctions: number; finesFen: number }[];
}

const clock = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/** Live figures streamed by the dashboard server (server-sent events), and the decisions of today and the last 30 days. */
export function Overview() {
  const t = useT();
  const [history, setHistory] = useState<Figures[]>([]);
  const [decisions, setDecisions] = useState<Decisions>();
  useEffect(() => {
    const source = new EventSource('/live');
    source.addEventListener('history', (e) => setHistory(JSON.parse((e as MessageEvent).data)));
    source.addEventListener('figures', (e) => setHistory((h) => [...h.slice(-719), JSON.parse((e as MessageEvent).data)]));
    const load = () => call<Decisions>('api', '/v1/ops/decisions').then(setDecisions).catch(() => undefined);
    void load();
    const timer = setInterval(load, 10_000);
    return () => {
      source.close();
      clearInterval(timer);
    };
  }, []);
  const latest = history[history.length - 1];
  const deadLetters = latest?.deadLetters.reduce((n, d) => n + d.count, 0) ?? 0;
  const backlog = latest?.outboxBacklog.reduce((n, d) => n + d.backlog, 0) ?? 0;
  const finesToday = decisions?.today.reduce((n, d) => n + d.finesFen, 0) ?? 0;
  return (
    <div data-testid="overview">
      <Row gutter={16}>
        <Col span={4}><Card><Statistic title={t('violationsPerSecond')} value={latest?.violationsPerSecond ?? 0} precision={1} /></Card></Col>
        <Col span={4}><Card><Statistic title={t('decisionsPerSecond')} value={latest?.decisionsPerSecond ?? 0} precision={1} /></Card></Col>
        <Col span={4}><Card><Statistic title={t('deadLetters')} value={deadLetters} /></Card></Col>
        <Col span={4}><Card><Statistic title={t('outboxBacklog')} value={backlog} /></Card></Col>
        <Col span={4}><Card><Statistic title={t('sanctionsToday')} value={decisions?.today.reduce((n, d) => n + d.sanctions, 0) ?? 0} /></Card></Col>
        <Col span={4}><Card><Statistic title={t('finesCharged')} value={yuan(finesToday)} /></Card></Col>
      </Row>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={12}>
          <Card title={t('lastHour')}>
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={history.map((f) => ({ ...f, time: clock(f.at) }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="time" minTickGap={40} />
                <YAxis />
                <Tooltip />
                <Legend />
                <Line type="monotone" dataKey="violationsPerSecond" name={t('violationsPerSecond')} stroke="#1677ff" dot={false} isAnimationActive={false} />
                <Line type="monotone" dataKey="decisionsPerSecond" name={t('decisionsPerSecond')} stroke="#52c41a" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('last30Days')}>
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={decisions?.days ?? []}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" minTickGap={20} />
                <YAxis />
                <Tooltip />
                <Bar dataKey="sanctions" name={t('sanctions')} fill="#fa8c16" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </Card>
        </Col>
      </Row>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={12}>
          <Card title={t('sanctionsToday')}>
            <Table size="small" pagination={false} rowKey="node" dataSource={decisions?.today ?? []}
              columns={[{ title: 'node', dataIndex: 'node' }, { title: t('sanctions'), dataIndex: 'sanctions' }, { title: t('finesCharged'), dataIndex: 'finesFen', render: (f: number) => yuan(f) }]} />
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('consumerLag')}>
            <Table size="small" pagination={{ pageSize: 8 }} rowKey={(r) => `${r.service}/${r.topic}/${r.partition}`} dataSource={latest?.consumerLag ?? []}
              columns={[{ title: 'service', dataIndex: 'service' }, { title: 'topic', dataIndex: 'topic' }, { title: 'partition', dataIndex: 'partition' }, { title: t('consumerLag'), dataIndex: 'lag' }]} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
