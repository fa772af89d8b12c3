/**
 * @module The chat window's stylesheet, adopted into the widget's shadow root (a constructable stylesheet:
 * allowed under a strict CSP, unlike a <style> element). Text inputs are 16px so iOS does not zoom.
 */
import { LATE_CSS } from '../late-style';

export const APP_CSS = LATE_CSS + `
.chat{display:flex;flex-direction:column;height:100%;min-height:0;background:#fff;color:#1f2328}
.head{display:grid;grid-template-columns:minmax(0,1fr) auto auto auto;grid-template-areas:"t . . c" "u q q q";align-items:center;
  column-gap:2px;padding:12px 10px 12px 16px;background:var(--papo-accent,#047857);color:var(--papo-on-accent,#fff)}
.head>div{display:contents}
.head h2{grid-area:t;margin:0;font-size:17px;font-weight:650;line-height:1.3;overflow-wrap:anywhere}
.head .sub{grid-area:u;margin:2px 0 0;font-size:13px;opacity:.92;overflow-wrap:anywhere}
.head>button:nth-of-type(3){grid-area:c}
.icon{all:unset;box-sizing:border-box;flex:none;display:grid;place-items:center;width:34px;height:34px;border-radius:8px;cursor:pointer;color:inherit}
.icon svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2.2;stroke-linecap:round}
.icon:hover{background:rgba(255,255,255,.16)}
.icon:focus-visible,.quit:focus-visible{outline:2px solid currentColor;outline-offset:1px}
.icon[aria-pressed=true]{background:rgba(255,255,255,.24)}
.quit{all:unset;box-sizing:border-box;grid-area:q;justify-self:end;margin:4px 6px 0 8px;padding:5px 10px;border:1px solid rgba(255,255,255,.7);border-radius:8px;
  font-size:13px;font-weight:600;cursor:pointer;white-space:nowrap}
.quit:hover{background:rgba(255,255,255,.16)}
.quit:disabled{opacity:.6;cursor:default}
.banner{margin:0;padding:8px 16px;background:#fff4ce;color:#5c4400;font-size:13px;border-bottom:1px solid #f0dc9a}
.confirm{display:flex;align-items:center;gap:12px;font-size:14px;color:#1f2328}
.confirm span{flex:1}
.log{position:relative;flex:1;min-height:0;overflow-y:auto;padding:16px 14px 8px;background:#f6f7f9;overscroll-behavior:contain}
.log ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:10px}
.msg{display:flex;flex-direction:column;max-width:82%}
.msg.mine{align-self:flex-end;align-items:flex-end}
.msg.theirs{align-self:flex-start;align-items:flex-start}
.by{display:flex;align-items:center;gap:6px;font-size:12px;color:#57606a;margin:0 0 3px 4px}
.av,.badge{display:grid;place-items:center;width:24px;height:24px;border-radius:50%;background:var(--papo-accent,#047857);color:var(--papo-on-accent,#fff);
  font-size:11px;font-weight:700}
.day{align-self:center;margin:4px 0;font-size:12px;font-weight:600;color:#57606a}
.bubble a{color:inherit}
.bubble a:focus-visible{outline:2px solid currentColor}
.typing{display:flex;align-items:center;gap:6px;margin:10px 4px 0;font-size:13px;color:#57606a}
.dots i{display:inline-block;width:6px;height:6px;margin:0 1px;border-radius:50%;background:currentColor;animation:papo-dot 1.2s infinite}
.dots i:nth-child(2){animation-delay:.2s}
.dots i:nth-child(3){animation-delay:.4s}
@keyframes papo-dot{0%,80%,100%{opacity:.3}40%{opacity:1}}
.bubble{margin:0;padding:9px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:15px;line-height:1.4}
.mine .bubble{background:var(--papo-accent,#047857);color:var(--papo-on-accent,#fff);border-bottom-right-radius:5px}
.theirs .bubble{background:#fff;color:#1f2328;border:1px solid #e3e6ea;border-bottom-left-radius:5px}
.sending .bubble{opacity:.7}
.failed .bubble{background:#fbe9e9;color:#8a2b2b;border:1px solid #e9b7b7}
.meta{font-size:11.5px;color:#57606a;margin:3px 6px 0}
.failed .meta{color:#8a2b2b}
.notice{align-self:center;font-size:12.5px;color:#57606a;background:#eceef1;border-radius:999px;padding:3px 12px}
.link{all:unset;cursor:pointer;text-decoration:underline;font-weight:600}
.link:focus-visible{outline:2px solid currentColor}
.composer{border-top:1px solid #e3e6ea;padding:10px 12px 10px;background:#fff}
.composer textarea,.card input,.card textarea{box-sizing:border-box;width:100%;min-height:44px;max-height:140px;field-sizing:content;resize:none;
  padding:10px 12px;border:1px solid #c9ced6;border-radius:12px;font-family:inherit;font-size:16px;line-height:1.4;color:#1f2328;background:#fff}
.card textarea{min-height:88px;max-height:200px}
.composer textarea:focus,.card input:focus,.card textarea:focus{outline:2px solid var(--papo-accent,#047857);outline-offset:-1px;border-color:transparent}
.composer textarea[aria-invalid=true],.card [aria-invalid=true]{border-color:#b42318}
.composer textarea[aria-invalid=true]:focus,.card [aria-invalid=true]:focus{outline-color:#b42318}
.card{margin:12px 0 4px;padding:14px;border:1px solid #e3e6ea;border-radius:14px;background:#fff;font-size:14px}
.card p{margin:0 0 10px}
.lead{font-weight:600;font-size:15px;line-height:1.4}
[tabindex="-1"]:focus{outline:none}
.ok{border-left:4px solid var(--papo-accent,#047857)}
.hint{color:#57606a;font-size:12.5px}
.field{display:block;margin:0 0 12px}
.field label{display:block;margin:0 0 4px;font-size:13.5px;font-weight:600}
.err{color:#b42318;font-size:13px;margin:4px 0 0!important}
.row{display:flex;gap:8px;align-items:center}
.row input{flex:1}
.card hr{border:0;border-top:1px solid #e3e6ea;margin:14px 0}
.stars{display:flex;gap:4px;margin:0 0 10px}
.stars button{all:unset;box-sizing:border-box;width:40px;height:40px;display:grid;place-items:center;border-radius:8px;
  font-size:26px;line-height:1;color:#8c959f;cursor:pointer}
.stars button.on{color:#d97706}
.stars button[aria-pressed=true]{background:#fff4ce}
.stars button:focus-visible{outline:2px solid var(--papo-accent,#047857)}
.composer-foot{display:flex;align-items:center;justify-content:space-between;margin-top:6px}
.counter{margin-right:auto;font-size:12px;color:#57606a;font-variant-numeric:tabular-nums}
.attach{all:unset;box-sizing:border-box;display:grid;place-items:center;width:36px;height:36px;margin-right:6px;border-radius:8px;cursor:pointer;color:#57606a}
.attach:hover{background:#eceef1}
.attach:focus-visible{outline:2px solid var(--papo-accent,#047857)}
.counter.over{color:#b42318;font-weight:650}
.send{all:unset;box-sizing:border-box;padding:8px 16px;border-radius:10px;background:var(--papo-accent,#047857);color:var(--papo-on-accent,#fff);
  font-weight:600;font-size:14px;cursor:pointer}
.send:disabled{background:#c9ced6;color:#57606a;cursor:default}
.send.alt{display:block;width:100%;background:#fff;color:var(--papo-accent,#047857);border:1px solid currentColor;text-align:center}
a.send.alt{margin-bottom:14px}
.send:focus-visible{outline:3px solid #1f2328;outline-offset:2px}
.queue{margin:12px 0 0;font-size:13px;color:#57606a;text-align:center}
.queue span{display:block}
.more{all:unset;position:sticky;bottom:4px;display:block;margin:8px auto 0;padding:6px 14px;border-radius:999px;background:var(--papo-accent,#047857);
  color:var(--papo-on-accent,#fff);font-size:13px;font-weight:600;cursor:pointer;box-shadow:0 2px 8px #0003}
.more:focus-visible{outline:3px solid #1f2328}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.chat{height:var(--papo-vh,100%);transform:translateY(var(--papo-vt,0))}}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`;
