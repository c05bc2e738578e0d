// The few lunar-javascript calls src/calendar/statutory.ts makes (the package ships no types).
declare module 'lunar-javascript' {
  interface SolarDate {
    toYmd(): string;
  }
  interface LunarDate {
    getSolar(): SolarDate;
    getJieQiTable(): Record<string, SolarDate>;
  }
  const lunar: {
    Lunar: { fromYmd(year: number, month: number, day: number): LunarDate };
  };
  export default lunar;
}
