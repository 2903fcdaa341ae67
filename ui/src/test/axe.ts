// Runs axe (the accessibility rules engine) on the page as rendered in jsdom, and lists what it finds
// in words a failing test can show.
import axe from 'axe-core';

const OPTIONS: axe.RunOptions = {
  resultTypes: ['violations'],
  rules: {
    // jsdom lays nothing out and paints nothing, so axe cannot compute the colours text is drawn in:
    // the rule would only report "incomplete". The theme's colours are chosen for contrast in app.css.
    'color-contrast': { enabled: false },
  },
};

/** One line per element axe finds at fault: "rule-id: what is wrong — <the element>". */
export async function axeViolations(context: axe.ElementContext = document): Promise<string[]> {
  // As the app's index.html has them (the test document starts bare).
  document.documentElement.lang = 'en';
  document.title = 'ZenML Pro Desktop';
  // axe draws text on a canvas to spot icon fonts; jsdom has no canvas and says so on every run. No
  // canvas is the answer it gets anyway, without the noise.
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
  const results = await axe.run(context, OPTIONS);
  return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} — ${n.html.slice(0, 160)}`));
}
