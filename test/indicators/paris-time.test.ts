import { describe, expect, it } from "vitest";
import {
  addDays,
  datesBetween,
  isLocalDate,
  localDate,
  localDayHours,
  localHour,
  localTimeToUtc,
  parisOffsetMs,
  startOfLocalDay,
} from "../../worker/src/indicators/paris-time.ts";

const H = 3_600_000;

describe("Europe/Paris local time", () => {
  it("starts local days at 23:00 UTC in winter and 22:00 UTC in summer", () => {
    expect(startOfLocalDay("2026-01-15")).toBe(Date.UTC(2026, 0, 14, 23));
    expect(startOfLocalDay("2026-07-15")).toBe(Date.UTC(2026, 6, 14, 22));
    expect(parisOffsetMs(Date.UTC(2026, 0, 15, 12))).toBe(H);
    expect(parisOffsetMs(Date.UTC(2026, 6, 15, 12))).toBe(2 * H);
  });

  it("has a 23-hour day on the last Sunday of March and a 25-hour day on the last Sunday of October", () => {
    expect(localDayHours("2026-03-29")).toBe(23);
    expect(localDayHours("2026-10-25")).toBe(25);
    expect(localDayHours("2026-03-28")).toBe(24);
    expect(localDayHours("2026-10-26")).toBe(24);
    // 00:00 CET = 23:00 UTC the day before; the next midnight is CEST (22:00 UTC).
    expect(startOfLocalDay("2026-03-29")).toBe(Date.UTC(2026, 2, 28, 23));
    expect(startOfLocalDay("2026-03-30")).toBe(Date.UTC(2026, 2, 29, 22));
  });

  it("skips local hour 02 in spring and repeats it in autumn", () => {
    expect(localHour(Date.UTC(2026, 2, 29, 0, 59))).toBe(1);
    expect(localHour(Date.UTC(2026, 2, 29, 1, 0))).toBe(3);
    expect(localHour(Date.UTC(2026, 9, 25, 0, 0))).toBe(2); // 02:00 CEST
    expect(localHour(Date.UTC(2026, 9, 25, 1, 0))).toBe(2); // 02:00 CET
    expect(localHour(Date.UTC(2026, 9, 25, 2, 0))).toBe(3);
  });

  it("gives the local date of an instant across midnight", () => {
    expect(localDate(Date.UTC(2026, 0, 14, 22, 59))).toBe("2026-01-14");
    expect(localDate(Date.UTC(2026, 0, 14, 23, 0))).toBe("2026-01-15");
    expect(localDate(Date.UTC(2026, 6, 14, 22, 0))).toBe("2026-07-15");
  });

  it("maps local 05:00 and 06:00 to UTC on DST days", () => {
    expect(localTimeToUtc("2026-03-29", 5)).toBe(Date.UTC(2026, 2, 29, 3));
    expect(localTimeToUtc("2026-10-25", 5)).toBe(Date.UTC(2026, 9, 25, 4));
    expect(localTimeToUtc("2026-10-25", 6)).toBe(Date.UTC(2026, 9, 25, 5));
  });

  it("agrees with the tz database at every hour of 2026 and of 1995 (summer time ended in September then)", () => {
    const f = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit" });
    for (const year of [2026, 1995]) {
      for (let t = Date.UTC(year, 0, 1) - 2 * H; t < Date.UTC(year + 1, 0, 1) + 2 * H; t += H) {
        const [date, hour] = f.format(new Date(t)).split(", ") as [string, string];
        const [d, m, y] = date.split("/");
        expect([localDate(t), localHour(t)], new Date(t).toISOString()).toEqual([`${y}-${m}-${d}`, Number(hour)]);
      }
    }
  });

  it("does calendar arithmetic on local dates", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(datesBetween("2026-03-28", "2026-03-30")).toEqual(["2026-03-28", "2026-03-29", "2026-03-30"]);
    expect(isLocalDate("2026-02-29")).toBe(false);
    expect(isLocalDate("2024-02-29")).toBe(true);
    expect(isLocalDate("2026-1-01")).toBe(false);
  });
});
