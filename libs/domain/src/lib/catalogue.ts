import { GENERAL_VIOLATION_CODES, type Scenario, type Track, type ViolationCode } from './vocabulary';

export interface CatalogueEntry {
  code: ViolationCode;
  track: Track;
  en: string;
  zh: string;
}

/** Rulebook section 1: every violation code with its track and names. */
export const CATALOGUE: Record<ViolationCode, CatalogueEntry> = {
  PROHIBITED_FOR_SALE_LISTING: { code: 'PROHIBITED_FOR_SALE_LISTING', track: 'GENERAL', en: 'publishing items that may not be sold', zh: '发布禁售信息' },
  DELAYED_SHIPMENT: { code: 'DELAYED_SHIPMENT', track: 'GENERAL', en: 'shipping later than promised', zh: '延迟发货' },
  INFORMATION_ABUSE: { code: 'INFORMATION_ABUSE', track: 'GENERAL', en: 'spamming / abusing listing information', zh: '滥发信息' },
  FAKE_TRANSACTION: { code: 'FAKE_TRANSACTION', track: 'GENERAL', en: 'fake transactions', zh: '虚假交易' },
  AUCTION_NO_PURCHASE: { code: 'AUCTION_NO_PURCHASE', track: 'GENERAL', en: 'winning an auction and not buying', zh: '竞拍不买' },
  MALICIOUS_HARASSMENT: { code: 'MALICIOUS_HARASSMENT', track: 'GENERAL', en: 'malicious harassment', zh: '恶意骚扰' },
  NOT_AS_DESCRIBED: { code: 'NOT_AS_DESCRIBED', track: 'GENERAL', en: 'goods not as described', zh: '描述不符' },
  BROKEN_COMMITMENT: { code: 'BROKEN_COMMITMENT', track: 'GENERAL', en: 'breaking a commitment made to buyers', zh: '违背承诺' },
  LICENSE_NOT_UPDATED: { code: 'LICENSE_NOT_UPDATED', track: 'GENERAL', en: 'business licence information not updated or changed', zh: '未更新或变更营业执照信息' },
  MEMBER_RIGHTS_ABUSE: { code: 'MEMBER_RIGHTS_ABUSE', track: 'GENERAL', en: 'abusing member rights', zh: '滥用会员权利' },
  IMPROPER_USE_OF_OTHERS_RIGHTS: { code: 'IMPROPER_USE_OF_OTHERS_RIGHTS', track: 'GENERAL', en: "improper use of other people's rights", zh: '不当使用他人权利' },
  IMPROPER_REGISTRATION: { code: 'IMPROPER_REGISTRATION', track: 'SERIOUS', en: 'improper registration', zh: '不当注册' },
  PROHIBITED_INFORMATION: { code: 'PROHIBITED_INFORMATION', track: 'SERIOUS', en: 'publishing prohibited (illegal) information', zh: '发布违禁信息' },
  COUNTERFEIT_MATERIAL: { code: 'COUNTERFEIT_MATERIAL', track: 'SERIOUS', en: 'falsely stated material or composition', zh: '假冒材质成份' },
  ACCOUNT_THEFT: { code: 'ACCOUNT_THEFT', track: 'SERIOUS', en: "using another person's account", zh: '盗用他人账户' },
  PRIVACY_LEAK: { code: 'PRIVACY_LEAK', track: 'SERIOUS', en: "leaking other people's information", zh: '泄露他人信息' },
  FRAUD: { code: 'FRAUD', track: 'SERIOUS', en: 'defrauding others of money or property', zh: '骗取他人财物' },
  COUNTERFEIT_GOODS: { code: 'COUNTERFEIT_GOODS', track: 'SERIOUS', en: 'selling counterfeit goods', zh: '出售假冒商品' },
  UNDECLARED_IMPORTS: { code: 'UNDECLARED_IMPORTS', track: 'SERIOUS', en: 'selling imported goods not declared at customs', zh: '出售未经报关进口商品' },
  NON_AGREED_GOODS: { code: 'NON_AGREED_GOODS', track: 'SERIOUS', en: 'publishing goods outside the agreed scope', zh: '发布非约定商品' },
  MARKET_DISRUPTION: { code: 'MARKET_DISRUPTION', track: 'SERIOUS', en: 'disrupting market order', zh: '扰乱市场秩序' },
  IMPROPER_PROFITEERING: { code: 'IMPROPER_PROFITEERING', track: 'SERIOUS', en: 'improper profiteering', zh: '不正当牟利' },
  LOAN_DEFAULT: { code: 'LOAN_DEFAULT', track: 'SERIOUS', en: 'defaulting on platform loans', zh: '拖欠淘宝贷款' },
  QUALIFICATION_FORGERY: { code: 'QUALIFICATION_FORGERY', track: 'SERIOUS', en: 'forged qualification documents', zh: '资质造假' },
};

export interface ScenarioEntry {
  scenario: Scenario;
  code: ViolationCode;
  en: string;
  zh: string;
}

/** The five exam-eligible scenarios and the code each belongs under. */
export const SCENARIOS: Record<Scenario, ScenarioEntry> = {
  AD_INFO: { scenario: 'AD_INFO', code: 'INFORMATION_ABUSE', en: 'publishing advertising information', zh: '发布广告信息' },
  DUPLICATE_INFO: { scenario: 'DUPLICATE_INFO', code: 'INFORMATION_ABUSE', en: 'publishing duplicate information', zh: '发布重复信息' },
  WRONG_DESCRIPTION: { scenario: 'WRONG_DESCRIPTION', code: 'INFORMATION_ABUSE', en: 'publishing wrong descriptions', zh: '发布错误描述信息' },
  OTHER_SPAM: { scenario: 'OTHER_SPAM', code: 'INFORMATION_ABUSE', en: 'spamming other information', zh: '滥发其他信息' },
  COPYRIGHT_IMAGE_MISUSE: { scenario: 'COPYRIGHT_IMAGE_MISUSE', code: 'IMPROPER_USE_OF_OTHERS_RIGHTS', en: "improper use of others' copyright", zh: '不当使用他人著作权' },
};

export function trackOf(code: ViolationCode): Track {
  return (GENERAL_VIOLATION_CODES as readonly string[]).includes(code) ? 'GENERAL' : 'SERIOUS';
}
