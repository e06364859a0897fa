import { randomUUID } from 'node:crypto';
import type { Scenario, Severity, ViolationCode } from '@penalty/domain';

/** Object mothers: valid inbound CloudEvents with sensible defaults, overridable field by field. */
export interface ViolationEventOptions {
  merchantId: string;
  code?: ViolationCode | string;
  severity?: Severity;
  scenario?: Scenario;
  occurredAt?: string;
  violationId?: string;
  id?: string;
  extraData?: Record<string, unknown>;
}

export function aViolationEvent(o: ViolationEventOptions) {
  return {
    specversion: '1.0',
    id: o.id ?? randomUUID(),
    source: 'listing-audit',
    type: 'violation.detected.v1',
    time: '2026-11-23T10:00:00+08:00',
    subject: o.merchantId,
    datacontenttype: 'application/json',
    data: {
      violationId: o.violationId ?? `v-${randomUUID()}`,
      merchantId: o.merchantId,
      code: o.code ?? 'COUNTERFEIT_GOODS',
      ...(o.scenario ? { scenario: o.scenario } : {}),
      severity: o.severity ?? 'STANDARD',
      occurredAt: o.occurredAt ?? '2026-11-20T10:00:00+08:00',
      detectedBy: 'listing-audit',
      itemIds: ['item-1'],
      itemAction: 'DELIST',
      ...o.extraData,
    },
  };
}

export interface ProfileEventOptions {
  merchantId: string;
  storeType?: 'FLAGSHIP' | 'SPECIALTY' | 'FRANCHISE' | 'MARKETPLACE_FLAGSHIP';
  trademarkStatus?: 'TM' | 'R';
  categories?: string[];
  examEligible?: boolean;
  webhookUrl?: string;
  email?: string;
  phone?: string;
  locale?: 'zh-CN' | 'en';
  /** Absent: the profile names none (the deployment's default marketplace). */
  marketplace?: string;
}

export function aProfileEvent(o: ProfileEventOptions) {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'merchant-center',
    type: 'merchant.profile.updated.v1',
    time: '2026-11-01T09:00:00+08:00',
    subject: o.merchantId,
    datacontenttype: 'application/json',
    data: {
      merchantId: o.merchantId,
      storeType: o.storeType ?? 'FLAGSHIP',
      trademarkStatus: o.trademarkStatus ?? 'R',
      categories: o.categories ?? [],
      examEligible: o.examEligible ?? false,
      ...(o.marketplace ? { marketplace: o.marketplace } : {}),
      ...(o.webhookUrl || o.email || o.phone || o.locale
        ? { contact: { ...(o.webhookUrl ? { webhookUrl: o.webhookUrl } : {}), ...(o.email ? { email: o.email } : {}), ...(o.phone ? { phone: o.phone } : {}), ...(o.locale ? { locale: o.locale } : {}) } }
        : {}),
    },
  };
}

export function aMerchantId(prefix = 'm'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
