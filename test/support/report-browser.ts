// Opens a game-day report in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) the way a person would, and reads back what they would see: whether each chart
// drew series with points in the fault window, and whether anything runs off a laptop-wide window.
// Saves a screenshot next to the report and a copy in the test output directory.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { repoRoot } from './processes.js';

export const CHROMIUM = '/usr/bin/chromium';

export interface ChartSeen {
  title: string;
  /** Drawn <path> elements inside the chart's SVG (axes, series, shading). */
  paths: number;
  points: number;
  pointsInFault: number;
  /** Shaded fault windows actually drawn (shapes in the fault colour, translucent). */
  faultAreas: number;
}

export interface ReportSeen {
  charts: ChartSeen[];
  /** Widest element right edge, px, at the given viewport width. */
  scrollWidth: number;
  viewportWidth: number;
  screenshot: string;
  copiedTo: string;
}

export async function viewReport(reportDir: string, name: string, viewportWidth = 1280): Promise<ReportSeen> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install the Debian package chromium (npm test's bootstrap does, as root)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: viewportWidth, height: 900 } });
    // The report must be self-contained: any request beyond the file itself fails the check.
    const fetched: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file://')) fetched.push(r.url());
    });
    await page.goto(pathToFileURL(resolve(reportDir, 'report.html')).href);
    // Runs in the page (a string: this project compiles without the DOM library).
    const seen = (await page.evaluate(`(() => ({
      charts: [...document.querySelectorAll('figure.chart')].map((f) => ({
        title: f.getAttribute('data-title') ?? '',
        paths: f.querySelectorAll('svg path').length,
        points: Number(f.getAttribute('data-points')),
        pointsInFault: Number(f.getAttribute('data-points-in-fault')),
        faultAreas: [...f.querySelectorAll('svg path, svg polygon, svg rect')].filter(
          (p) => (p.getAttribute('fill') ?? '').replace(/\\s/g, '') === 'rgb(214,39,40)' && p.getAttribute('fill-opacity') !== null,
        ).length,
      })),
      scrollWidth: document.documentElement.scrollWidth,
    }))()`)) as { charts: ChartSeen[]; scrollWidth: number };
    if (fetched.length) throw new Error(`the report fetched ${fetched.join(', ')}: it must be self-contained`);
    const screenshot = join(reportDir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    const outDir = join(process.env.KAFKA_SRE_TEST_OUTPUT ?? join(repoRoot, 'reports', 'test-output'), name);
    mkdirSync(outDir, { recursive: true });
    const copiedTo = join(outDir, basename(screenshot));
    copyFileSync(screenshot, copiedTo);
    return { ...seen, viewportWidth, screenshot, copiedTo };
  } finally {
    await browser.close();
  }
}
