/**
 * RunInstances' placement: an instance goes on a droplet with a valid lease and room, searched
 * from a rotating cursor; none found is the incident's lie, "insufficient capacity".
 */
export class Placement {
  private readonly instancesOn: Uint8Array;
  private cursor: number;

  constructor(
    private readonly droplets: number,
    private readonly perDroplet: number,
    start: number,
  ) {
    this.instancesOn = new Uint8Array(droplets);
    this.cursor = start % droplets;
  }

  /** Places up to `count` instances on droplets `canTake` accepts; returns those placed. */
  place(count: number, canTake: (droplet: number) => boolean): { instance: string; droplet: number }[] {
    const placed: { instance: string; droplet: number }[] = [];
    for (let k = 0; k < count; k++) {
      let found = -1;
      for (let probe = 0; probe < Math.min(this.droplets, 2000); probe++) {
        const i = (this.cursor + probe) % this.droplets;
        if (this.instancesOn[i]! < this.perDroplet && canTake(i)) {
          found = i;
          break;
        }
      }
      if (found < 0) break;
      this.cursor = (found + 1) % this.droplets;
      this.instancesOn[found]!++;
      placed.push({ instance: `i-${found.toString(16)}-${this.instancesOn[found]}`, droplet: found });
    }
    return placed;
  }
}
