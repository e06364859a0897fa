import type { ThemeConfig } from 'antd';

/**
 * antd's default colours with the ones that fail WCAG AA contrast (4.5:1 for text, as axe-core checks
 * it in apps/pipeline-e2e/src/dashboard-load.e2e-spec.ts) darkened to the next shade of their palette:
 * white on the primary blue #1677ff is 4.1:1 (buttons, the selected menu item), secondary text
 * rgba(0,0,0,.45) on white 3.4:1 (statistic titles, descriptions' labels, empty states), placeholders
 * rgba(0,0,0,.25) 1.8:1 (and an empty table's text, drawn in the disabled colour), the danger red
 * #ff4d4f 3.3:1, green and orange tags 3.4:1. Hovered and pressed buttons and links go darker, not
 * lighter as antd derives them: white on the hover blue derived from blue-7 (#2e7ae6) is 4.2:1.
 */
export const accessibleTheme: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9', // blue-7: 6.2:1 under white text, 5.7:1 on #f5f5f5
    colorPrimaryHover: '#003eb3', // blue-8: 9.0:1 under white text
    colorPrimaryActive: '#002c8c', // blue-9
    colorLink: '#0958d9', // links (#1677ff: 4.1:1 on white)
    colorLinkHover: '#003eb3',
    colorLinkActive: '#002c8c',
    colorError: '#cf1322', // red-7: 5.6:1 on white
    colorErrorHover: '#a8071a', // red-8 (the derived hover is lighter than red-7)
    colorErrorActive: '#820014', // red-9
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)', // 6.2:1 on white
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)', // 4.7:1 on white
    // Tags' text: each palette shade is a token twice (the CSS variable is named after 'green-7').
    green7: '#237804', // green-8: 5.4:1 on green-1
    'green-7': '#237804',
    orange7: '#ad4e00', // orange-8: 5.1:1 on orange-1
    'orange-7': '#ad4e00',
  },
  components: { Table: { colorTextDisabled: 'rgba(0, 0, 0, 0.55)' } },
};

/** The theme, without antd's motion (drawers sliding, waves on click) for an operator who asked the system to reduce motion. */
export const themeFor = (reducedMotion: boolean): ThemeConfig => (reducedMotion ? { ...accessibleTheme, token: { ...accessibleTheme.token, motion: false } } : accessibleTheme);
