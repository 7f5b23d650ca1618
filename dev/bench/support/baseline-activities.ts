/** The baseline worker's only activity: does nothing, so what it costs is Temporal's part. */
export interface BaselineActivities {
  record(value: number): Promise<number>;
}

export const baselineActivities: BaselineActivities = {
  async record(value) {
    return value;
  },
};
