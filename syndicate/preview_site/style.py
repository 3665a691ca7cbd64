"""The preview's one stylesheet, written beside the pages (no network, no framework).

Colours keep at least 4.5:1 contrast on their backgrounds; the platform columns form a
grid that stacks into one column under 700px so a phone shows one platform at a time.
Each platform's own look comes with its view (``CSS`` in ``adapters/<name>/view.py``).
"""

CSS = """\
*, *::before, *::after { box-sizing: border-box; }
body {
  margin: 0;
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
    "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  color: #1a1a1a;
  background: #f4f4f6;
}
a { color: #0b57d0; }
header.site, footer.site { background: #1f2937; color: #fff; padding: .75rem 1.25rem; }
header.site a, footer.site a { color: #fff; }
header.site p { margin: .25rem 0 0; color: #e5e7eb; }
main { padding: 1rem 1.25rem 2rem; max-width: 1600px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: .25rem 0; line-height: 1.3; overflow-wrap: anywhere; }
.sr {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
}
table.matrix { border-collapse: collapse; width: 100%; background: #fff; }
table.matrix th, table.matrix td {
  border: 1px solid #c7c9d1;
  padding: .4rem .6rem;
  text-align: left;
  vertical-align: top;
}
table.matrix thead th { background: #e8eaf0; }
.table-wrap { overflow-x: auto; }
.action { font-weight: 600; color: #14532d; }
.count-warn { color: #8a3b00; font-weight: 600; }
.platforms {
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(340px, 1fr));
  gap: 1rem;
  align-items: start;
}
@media (max-width: 700px) { .platforms { grid-template-columns: 1fr; } main { padding: .75rem; } }
section.platform {
  background: #fff;
  border: 1px solid #c7c9d1;
  border-radius: 8px;
  padding: .75rem 1rem;
  min-width: 0;
}
section.platform > h2 { margin: 0 0 .5rem; font-size: 1.2rem; }
.requests {
  font: 13px/1.4 ui-monospace, monospace;
  color: #374151;
  margin: 0 0 .5rem;
  padding-left: 1.1rem;
  overflow-wrap: anywhere;
}
.warnings {
  border-left: 4px solid #b45309;
  background: #fff7ed;
  padding: .4rem .75rem;
  margin: 0 0 .75rem;
}
.warnings h3 { margin: 0; font-size: 1rem; color: #7c2d12; }
.warnings ul { margin: .25rem 0 0; padding-left: 1.1rem; overflow-wrap: anywhere; }
.warnings .kind { font-weight: 700; color: #7c2d12; }
.no-warnings { color: #14532d; margin: 0 0 .75rem; }
.missing { color: #57534e; font-style: italic; font-size: .9rem; }
img { max-width: 100%; height: auto; }
pre { overflow-x: auto; background: #f3f4f6; padding: .5rem; border-radius: 4px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .9em; }
.url { overflow-wrap: anywhere; font-family: ui-monospace, monospace; font-size: .85em; }
.rendering { overflow-wrap: anywhere; }
/* The generic card, for a platform whose folder has no view.py */
.card { border: 1px solid #c7c9d1; border-radius: 12px; padding: .75rem; }
.card-text { white-space: pre-wrap; margin: 0 0 .5rem; }
"""
