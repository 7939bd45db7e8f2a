/** The console's only HTML page; everything else is drawn by its browser modules (apps/ops/console) from the API. */
export const CONSOLE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ops console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/app.css">
</head>
<body>
<header>
  <h1>Ops console</h1>
  <nav>
    <a href="#/groups" id="nav-groups">Dead letters</a>
    <a href="#/parked" id="nav-parked">Parked streams</a>
    <a href="#/subscriptions" id="nav-subscriptions">Subscriptions</a>
    <a href="#/checkouts" id="nav-checkouts">Unfinished checkouts</a>
    <a href="#/actions" id="nav-actions">Operator actions</a>
  </nav>
  <form id="auth" autocomplete="off">
    <label>Credential <input id="token" name="token" type="password" placeholder="your operator credential"></label>
    <button type="submit" id="save-token">Use token</button>
    <button type="button" id="forget-token">Forget</button>
    <span id="auth-state"></span>
  </form>
</header>
<div id="notice" role="status" hidden></div>
<main id="view"><p class="muted">Loading…</p></main>
<script type="module" src="/console/app.js"></script>
</body>
</html>
`;

export const CONSOLE_CSS = String.raw`
* { box-sizing: border-box; }
/* The hidden attribute must win over a display set below (button, a.button), or a hidden "Load more" still shows. */
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: #1d232a; background: #f6f7f9; }
header { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: center; padding: .6rem 1.2rem; background: #1d232a; color: #fff; }
header h1 { font-size: 1.1rem; margin: 0; }
header a { color: #cfe3ff; margin-right: 1rem; text-decoration: none; }
header a.active { color: #fff; font-weight: 600; border-bottom: 2px solid #fff; }
header form { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
header input { padding: .2rem .4rem; }
main { padding: 1rem 1.2rem; }
h2 { font-size: 1.05rem; margin: .2rem 0 .8rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
th { background: #eef0f3; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.error { max-width: 32rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
button, a.button { font: inherit; padding: .15rem .6rem; margin-right: .3rem; border: 1px solid #8b96a3; border-radius: 3px; background: #fff; color: #1d232a; cursor: pointer; text-decoration: none; display: inline-block; }
button.primary { background: #1f6feb; border-color: #1f6feb; color: #fff; }
button.danger { border-color: #b42318; color: #b42318; }
button:disabled { opacity: .5; cursor: default; }
pre { background: #fff; border: 1px solid #e3e6ea; padding: .6rem; overflow: auto; max-height: 28rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.muted { color: #68717c; }
.toolbar { margin: .6rem 0; }
textarea { width: 100%; min-height: 16rem; font: 12px/1.4 ui-monospace, monospace; }
.error-text { color: #b42318; white-space: pre-wrap; }
.notice-box { margin: .6rem 0; padding: .5rem .8rem; background: #fff; border: 1px solid #8b96a3; border-radius: 3px; }
.status-paused, .status-unavailable { color: #b42318; font-weight: 600; }
#notice { margin: .8rem 1.2rem 0; padding: .5rem .8rem; border-radius: 3px; background: #e7f5ea; border: 1px solid #6fbf7f; }
#notice.error { background: #fdecea; border-color: #e08b83; }
#auth-state { color: #cfe3ff; }
`;
