/** Messages between the cluster primary (cluster-primary.ts) and its workers: one worker's event for the others; "you poll" to one worker. */
export const WATCH_EVENT_MESSAGE = 'watch-event';
export const WATCH_POLLER_MESSAGE = 'watch-poller';
