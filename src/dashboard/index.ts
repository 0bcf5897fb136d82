/**
 * The dashboard bundle (dist/dashboard.js, built apart from the widget so the
 * widget does not grow): defines `<image-chat-dashboard>` and its parts once.
 */
import { ImageChatDashboard } from './image-chat-dashboard/image-chat-dashboard.ts';
import { DashboardConfirm } from './confirm-dialog/confirm-dialog.ts';
import { DashboardEmbedCode } from './embed-code/embed-code.ts';
import { DashboardLiveFigures } from './live-figures/live-figures.ts';
import { DashboardRangePicker } from './range-picker/range-picker.ts';
import { DashboardRecentChats } from './recent-chats/recent-chats.ts';
import { DashboardSignIn } from './sign-in/sign-in.ts';
import { DashboardTopImages } from './top-images/top-images.ts';
import { DashboardUsageChart } from './usage-chart/usage-chart.ts';
import { DashboardUsageTotals } from './usage-totals/usage-totals.ts';

const elements: [string, CustomElementConstructor][] = [
  ['dashboard-confirm', DashboardConfirm],
  ['dashboard-embed-code', DashboardEmbedCode],
  ['dashboard-live-figures', DashboardLiveFigures],
  ['dashboard-range-picker', DashboardRangePicker],
  ['dashboard-recent-chats', DashboardRecentChats],
  ['dashboard-sign-in', DashboardSignIn],
  ['dashboard-top-images', DashboardTopImages],
  ['dashboard-usage-chart', DashboardUsageChart],
  ['dashboard-usage-totals', DashboardUsageTotals],
  ['image-chat-dashboard', ImageChatDashboard],
];
for (const [name, element] of elements) if (!customElements.get(name)) customElements.define(name, element);

export {
  ImageChatDashboard,
  DashboardConfirm,
  DashboardEmbedCode,
  DashboardLiveFigures,
  DashboardRangePicker,
  DashboardRecentChats,
  DashboardSignIn,
  DashboardTopImages,
  DashboardUsageChart,
  DashboardUsageTotals,
};
export { DashboardApi, DashboardError, METRICS } from './api.ts';
export type { Usage, UsagePoint, ImageActivity, RecentChat, Counts, Metric, Granularity, Range, Credentials } from './api.ts';
