/**
 * @module The loader's elements that show only once the chat app runs: the window's box (`.panel`, the
 * app's container) and the launcher's unread badge (`host.setUnread` comes from the app). Their rules ship
 * with the app's stylesheet, not in papo.js, which must stay within 3 KB gzip (DESIGN.md budgets).
 * On phones the window takes the whole screen, clear of the notch and the home bar (with viewport-fit=cover).
 */
export const LATE_CSS = `
.panel{position:fixed;right:20px;bottom:92px;width:380px;height:min(640px,calc(100vh - 120px));display:flex;
flex-direction:column;overflow:hidden;border-radius:16px;background:#fff;box-shadow:0 12px 48px #0004}
:host([data-left]) .panel{right:auto;left:20px}
.launcher .badge{position:absolute;top:-5px;right:-5px;width:auto;height:auto;min-width:22px;box-sizing:border-box;padding:0 5px;border:2px solid #fff;border-radius:11px;
background:#b42318;color:#fff;font:700 12px/18px system-ui;text-align:center}
@media (max-width:480px){.panel,:host([data-left]) .panel{inset:0;width:auto;height:auto;border-radius:0;
padding:env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left)}}
`;
