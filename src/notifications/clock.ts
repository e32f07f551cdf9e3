import { Injectable } from '@nestjs/common';

/**
 * The time notifications reason with (quiet hours, backoff, due rows). Injected so tests can set
 * it: `app.get(Clock).now = () => someDate` — no sleeps, no fake timers.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
