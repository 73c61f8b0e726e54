/**
 * Scrapes /metrics from a process of its own, as Prometheus would, so that reading the responses does not share
 * the exporter's event loop. Argument: a JSON { url, clients, requestsPerClient, gzip }. Prints a ScrapeResult.
 */
import { scrapeUnderLoad, type ScrapeLoad } from './scrape-load.js';

const { url, ...load } = JSON.parse(process.argv[2]!) as ScrapeLoad & { url: string };
process.stdout.write(JSON.stringify(await scrapeUnderLoad(url, load)) + '\n');
