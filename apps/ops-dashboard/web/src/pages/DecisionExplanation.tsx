import { Alert, Card, Descriptions, Tag, Typography } from 'antd';
import { useContext, useEffect, useState } from 'react';
import { ApiError, call } from '../api';
import { DataTable } from '../components/DataTable';
import { EnumText } from '../components/EnumText';
import { shanghaiTime } from '../format';
import { LangContext, useT } from '../i18n';

interface Totals { general: number; serious: number }
interface Outcome { basePoints: number; points: number; waiver: string | null }
interface AssessmentExplanation {
  decisionId: string;
  marketplace: string;
  ruleVersion: string;
  ruleContentHash: string;
  inputs: { violation: { violationId: string; merchantId: string; code: string; severity: string; occurredAt: string }; naturalYear: number; track: string; totalsBefore: Totals | null; totalsAfter: Totals | null };
  rules: { rule: string; section: string; values: Record<string, unknown>; text: { zh: string; en: string } }[];
  outcome: Outcome;
  asMade: Outcome | null;
  reproduced: boolean | null;
}

const totalsText = (t: Totals | null) => (t ? `${t.general} / ${t.serious}` : '—');

/**
 * An assessment's explanation (rulebook section 9: every decision names the marketplace, the rule
 * version and its content hash): the scoring service's GET /v1/decisions/{id}/explanation, by the
 * violation's or the assessment's id, at #/decisions/<id>.
 */
export function DecisionExplanation({ decisionId }: { decisionId: string }) {
  const t = useT();
  const lang = useContext(LangContext);
  const [explanation, setExplanation] = useState<AssessmentExplanation>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    setExplanation(undefined);
    setProblem(undefined);
    void call<AssessmentExplanation>('scoring-service', `/v1/decisions/${encodeURIComponent(decisionId)}/explanation`)
      .then(setExplanation)
      .catch((e: Error) => setProblem(`${e instanceof ApiError && e.problem.code ? `${e.problem.code}: ` : ''}${e.message}`));
  }, [decisionId]);

  return (
    <Card title={`${t('decisionExplanation')} · ${decisionId}`} data-testid="decision-explanation">
      {problem && <Alert type="error" showIcon title={problem} />}
      {explanation && (
        <>
          <Descriptions size="small" bordered column={2} style={{ marginBottom: 16 }}
            items={[
              { key: 'merchant', label: t('merchant'), children: <a href={`#/merchants/${encodeURIComponent(explanation.inputs.violation.merchantId)}`}>{explanation.inputs.violation.merchantId}</a> },
              { key: 'marketplace', label: t('marketplace'), children: <EnumText kind="marketplace" value={explanation.marketplace} /> },
              { key: 'version', label: t('ruleVersionApplied'), children: <span data-testid="explained-version">{explanation.ruleVersion}</span> },
              { key: 'hash', label: t('contentHash'), children: <Typography.Text code copyable={{ text: explanation.ruleContentHash }}>{explanation.ruleContentHash.slice(0, 16)}</Typography.Text> },
              { key: 'violation', label: t('violation'), children: <><EnumText kind="violationCode" value={explanation.inputs.violation.code} /> · <EnumText kind="severity" value={explanation.inputs.violation.severity} /></> },
              { key: 'occurred', label: t('occurredAt'), children: shanghaiTime(explanation.inputs.violation.occurredAt) },
              { key: 'year', label: `${t('year')} · ${t('kind')}`, children: <>{explanation.inputs.naturalYear} · <EnumText kind="track" value={explanation.inputs.track} /></> },
              { key: 'totals', label: `${t('points')} (${t('general')} / ${t('serious')})`, children: `${totalsText(explanation.inputs.totalsBefore)} → ${totalsText(explanation.inputs.totalsAfter)}` },
              { key: 'points', label: t('points'), children: <span data-testid="explained-points">{explanation.outcome.points}</span> },
              {
                key: 'reproduced',
                label: t('reproduced'),
                children: explanation.reproduced === null ? '—' : <Tag color={explanation.reproduced ? 'green' : 'red'}>{t(explanation.reproduced ? 'yes' : 'no')}</Tag>,
              },
            ]} />
          <DataTable<AssessmentExplanation['rules'][number]> id="explained-rules" testId="explained-rules" rowKey={(r) => `${r.rule}-${r.section}`} source={{ rows: explanation.rules }}
            exportName={`explanation-${explanation.decisionId}`}
            columns={[
              { key: 'rule', title: t('ruleApplied'), sortable: true, render: (r) => <code>{r.rule}</code> },
              { key: 'section', title: t('section'), sortable: true },
              { key: 'text', title: t('statement'), value: (r) => (lang === 'zh' ? r.text.zh : r.text.en) },
              { key: 'values', title: t('values'), value: (r) => JSON.stringify(r.values), render: (r) => <code>{JSON.stringify(r.values)}</code> },
            ]} />
        </>
      )}
    </Card>
  );
}
