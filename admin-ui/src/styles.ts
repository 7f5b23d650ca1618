import { css } from 'lit';

/** Shared by every admin component: the look of buttons, fields, badges and notes. */
export const shared = css`
  :host { display: block; box-sizing: border-box; }
  *, *::before, *::after { box-sizing: inherit; }
  h1, h2, h3 { margin: 0 0 0.5rem; line-height: 1.25; }
  h1 { font-size: 1.35rem; }
  h2 { font-size: 1.1rem; }
  h3 { font-size: 0.95rem; }
  a { color: #1d5bd6; }
  a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible {
    outline: 3px solid #8ab4ff; outline-offset: 1px;
  }
  button, .button {
    font: inherit; cursor: pointer; border-radius: 6px; border: 1px solid #b7bfcc; background: #fff; color: #1d2330;
    padding: 0.4rem 0.8rem; text-decoration: none; display: inline-flex; align-items: center; gap: 0.3rem; white-space: nowrap;
  }
  button:hover, .button:hover { background: #eef1f6; }
  button.primary { background: #1d5bd6; border-color: #1d5bd6; color: #fff; }
  button.primary:hover { background: #1649ad; }
  button.warning { background: #8a5a00; border-color: #8a5a00; color: #fff; }
  button:disabled { opacity: 0.55; cursor: default; }
  label { font-weight: 600; font-size: 0.85rem; color: #3a4356; }
  input, select, textarea {
    font: inherit; border: 1px solid #b7bfcc; border-radius: 6px; padding: 0.4rem 0.5rem; background: #fff; color: inherit;
    max-width: 100%;
  }
  textarea { width: 100%; resize: vertical; }
  .address { overflow-wrap: normal; word-break: normal; }
  .address > span { white-space: nowrap; }
  .field { display: flex; flex-direction: column; gap: 0.2rem; min-width: 0; }
  .row { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; }
  .card { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 1rem; }
  .muted { color: #5b6578; }
  .small { font-size: 0.85rem; }
  .error { color: #a11d1d; background: #fdecec; border: 1px solid #f0b4b4; border-radius: 6px; padding: 0.5rem 0.75rem; }
  .notice { color: #1c4d1c; background: #e9f7e9; border: 1px solid #b6dcb6; border-radius: 6px; padding: 0.5rem 0.75rem; }
  .badge { display: inline-block; border-radius: 999px; padding: 0.05rem 0.55rem; font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
  .status-new { background: #e3ecff; color: #1a47a8; }
  .status-in_progress { background: #fff2cc; color: #6d4f00; }
  .status-waiting { background: #efe3ff; color: #5a2a9e; }
  .status-closed { background: #e6e8ec; color: #454d5c; }
  .priority-urgent { background: #fdd; color: #8c1111; }
  .priority-high { background: #ffe6cc; color: #7a3c00; }
  .priority-normal { background: #eef1f6; color: #3a4356; }
  .priority-low { background: #f4f5f7; color: #5b6578; }
  .due-overdue { background: #b3261e; color: #fff; }
  .due-soon { background: #ffdfb3; color: #6b3500; }
  .due-later { background: #e9f2ea; color: #1f5326; }
  .tag { display: inline-block; border-radius: 4px; padding: 0 0.4rem; font-size: 0.78rem; border: 1px solid transparent; white-space: nowrap; }
  .tag-gray { background: #eef0f3; color: #3a4356; border-color: #d5d9e0; }
  .tag-red { background: #fde2e2; color: #8c1111; }
  .tag-orange { background: #ffe8d1; color: #7a3c00; }
  .tag-yellow { background: #fff5c2; color: #5e4a00; }
  .tag-green { background: #def5e0; color: #1f5326; }
  .tag-teal { background: #d7f3f0; color: #0d5049; }
  .tag-blue { background: #dfeaff; color: #1a47a8; }
  .tag-purple { background: #eee2ff; color: #5a2a9e; }
  .tag-pink { background: #fde1f0; color: #8a1c55; }
  /* The admin screens' lists and forms (mailboxes, SLA policies). */
  .card.flush { padding: 0; overflow-x: auto; }
  .loading, .empty { padding: 1rem; }
  fieldset.group { border: 1px solid #dde1e8; border-radius: 8px; padding: 0.75rem; margin: 0 0 0.75rem; }
  fieldset.group legend { font-weight: 600; padding: 0 0.3rem; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 0.75rem; align-items: end; }
  .check { flex-direction: row; align-items: center; gap: 0.4rem; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 0.5rem 0.6rem; border-bottom: 1px solid #e6e9ef; vertical-align: top; }
  th { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.03em; color: #5b6578; }
`;
