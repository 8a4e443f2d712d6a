import { describe, expect, it } from "vitest";
import { decode, decodeSample, encode, encodeSample, SILENCE } from "../src/voice/mulaw";
import { Downsampler, level, toInt16 } from "../src/voice/resample";
import { Framer, FRAME_BYTES, fromBase64, toBase64 } from "../src/voice/framer";

// Generated with CPython 3.11's audioop (ulaw2lin / lin2ulaw, 16-bit): the reference the
// server's own mu-law must match too.
const AUDIOOP_DECODE = [-32124,-31100,-30076,-29052,-28028,-27004,-25980,-24956,-23932,-22908,-21884,-20860,-19836,-18812,-17788,-16764,-15996,-15484,-14972,-14460,-13948,-13436,-12924,-12412,-11900,-11388,-10876,-10364,-9852,-9340,-8828,-8316,-7932,-7676,-7420,-7164,-6908,-6652,-6396,-6140,-5884,-5628,-5372,-5116,-4860,-4604,-4348,-4092,-3900,-3772,-3644,-3516,-3388,-3260,-3132,-3004,-2876,-2748,-2620,-2492,-2364,-2236,-2108,-1980,-1884,-1820,-1756,-1692,-1628,-1564,-1500,-1436,-1372,-1308,-1244,-1180,-1116,-1052,-988,-924,-876,-844,-812,-780,-748,-716,-684,-652,-620,-588,-556,-524,-492,-460,-428,-396,-372,-356,-340,-324,-308,-292,-276,-260,-244,-228,-212,-196,-180,-164,-148,-132,-120,-112,-104,-96,-88,-80,-72,-64,-56,-48,-40,-32,-24,-16,-8,0,32124,31100,30076,29052,28028,27004,25980,24956,23932,22908,21884,20860,19836,18812,17788,16764,15996,15484,14972,14460,13948,13436,12924,12412,11900,11388,10876,10364,9852,9340,8828,8316,7932,7676,7420,7164,6908,6652,6396,6140,5884,5628,5372,5116,4860,4604,4348,4092,3900,3772,3644,3516,3388,3260,3132,3004,2876,2748,2620,2492,2364,2236,2108,1980,1884,1820,1756,1692,1628,1564,1500,1436,1372,1308,1244,1180,1116,1052,988,924,876,844,812,780,748,716,684,652,620,588,556,524,492,460,428,396,372,356,340,324,308,292,276,260,244,228,212,196,180,164,148,132,120,112,104,96,88,80,72,64,56,48,40,32,24,16,8,0];
const AUDIOOP_ENCODE: [number, number][] = [[-32768,0],[-31771,0],[-30774,1],[-29777,2],[-28780,3],[-27783,4],[-26786,5],[-25789,6],[-24792,7],[-23795,8],[-22798,9],[-21801,10],[-20804,11],[-19807,12],[-18810,13],[-17813,14],[-16816,15],[-15819,16],[-14822,18],[-13825,20],[-12828,22],[-11831,24],[-10834,26],[-9837,28],[-8840,30],[-7843,32],[-6846,36],[-5849,40],[-4852,44],[-3855,48],[-2858,56],[-1861,64],[-864,80],[133,239],[1130,204],[2127,190],[3124,182],[4121,175],[5118,171],[6115,167],[7112,163],[8109,159],[9106,157],[10103,156],[11100,154],[12097,152],[13094,150],[14091,148],[15088,146],[16085,144],[17082,143],[18079,142],[19076,141],[20073,140],[21070,139],[22067,138],[23064,137],[24061,136],[25058,135],[26055,134],[27052,133],[28049,132],[29046,131],[30043,130],[31040,129],[32037,128],[-32768,0],[-1,126],[0,255],[1,255],[32767,128]];

describe("mu-law", () => {
  it("decodes every code as audioop does", () => {
    expect(Array.from({ length: 256 }, (_, code) => decodeSample(code))).toEqual(AUDIOOP_DECODE);
    expect(Array.from(decode(Uint8Array.from({ length: 256 }, (_, code) => code)))).toEqual(AUDIOOP_DECODE);
  });

  it("encodes samples across the whole range as audioop does", () => {
    for (const [sample, code] of AUDIOOP_ENCODE) expect([sample, encodeSample(sample)]).toEqual([sample, code]);
    expect(Array.from(encode(Int16Array.from(AUDIOOP_ENCODE.map(([sample]) => sample))))).toEqual(AUDIOOP_ENCODE.map(([, code]) => code));
  });

  it("knows its landmarks: silence, the extremes, clipping", () => {
    expect(encodeSample(0)).toBe(SILENCE);
    expect(decodeSample(SILENCE)).toBe(0);
    expect(encodeSample(32767)).toBe(0x80);
    expect(encodeSample(-32768)).toBe(0x00);
    expect(decodeSample(0x80)).toBe(32124);
    expect(decodeSample(0x00)).toBe(-32124);
    expect(encodeSample(99999)).toBe(encodeSample(32767)); // clamped, not wrapped
  });

  it("round-trips every code exactly, and samples within the codec's step", () => {
    for (let code = 0; code < 256; code++) {
      const sample = decodeSample(code);
      // 0x7f is mu-law's "negative zero": it decodes to 0, which encodes as 0xff
      expect(encodeSample(sample)).toBe(code === 0x7f ? 0xff : code);
    }
    for (let sample = -32000; sample <= 32000; sample += 61) {
      const error = Math.abs(decodeSample(encodeSample(sample)) - sample);
      expect(error).toBeLessThanOrEqual(Math.max(8, Math.abs(sample) / 16));
    }
  });
});

describe("downsampler", () => {
  it("gives exactly 160 samples per 20 ms at 48 kHz and 44.1 kHz, however the input is cut", () => {
    for (const rate of [48000, 44100]) {
      const down = new Downsampler(rate);
      let out = 0;
      // one second in uneven chunks (the worklet's 128-frame blocks, and odd sizes)
      const sizes = [128, 441, 1, 960, 333];
      let fed = 0;
      for (let i = 0; fed < rate; i++) {
        const size = Math.min(sizes[i % sizes.length]!, rate - fed);
        out += down.push(new Float32Array(size).fill(0.25)).length;
        fed += size;
      }
      expect(out).toBeGreaterThanOrEqual(7999);
      expect(out).toBeLessThanOrEqual(8000);
    }
  });

  it("keeps a constant level and a speech-band tone, and is the same in one chunk or many", () => {
    const rate = 48000;
    const tone = Float32Array.from({ length: rate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
    const whole = new Downsampler(rate).push(tone);
    const pieces = new Downsampler(rate);
    const parts: number[] = [];
    for (let i = 0; i < tone.length; i += 137) parts.push(...pieces.push(tone.subarray(i, i + 137)));
    expect(parts).toEqual(Array.from(whole));
    const peak = Math.max(...Array.from(whole).map(Math.abs));
    expect(peak).toBeGreaterThan(0.47 * 32767); // 440 Hz passes almost untouched
    expect(peak).toBeLessThanOrEqual(0.5 * 32767 + 1);
    const flat = new Downsampler(rate).push(new Float32Array(960).fill(-0.5));
    expect(new Set(flat)).toEqual(new Set([toInt16(-0.5)]));
  });

  it("attenuates what 8 kHz cannot carry (a 7 kHz tone) instead of folding it in at full strength", () => {
    const rate = 48000;
    const high = Float32Array.from({ length: rate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 7000 * i) / rate));
    const out = new Downsampler(rate).push(high);
    const rms = Math.sqrt(Array.from(out).reduce((sum, x) => sum + (x / 32768) ** 2, 0) / out.length);
    expect(rms).toBeLessThan(0.5 / Math.SQRT2 / 3);
  });

  it("refuses to upsample, clamps, and measures a level", () => {
    expect(() => new Downsampler(4000)).toThrow(RangeError);
    expect(toInt16(2)).toBe(32767);
    expect(toInt16(-2)).toBe(-32768);
    expect(level(new Float32Array(10).fill(0.5))).toBeCloseTo(0.5);
    expect(level(new Float32Array(0))).toBe(0);
  });
});

describe("framer", () => {
  it("cuts exactly 160-byte (20 ms) frames, in order, whatever the input sizes", () => {
    const framer = new Framer();
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 77) frames.push(...framer.push(bytes.subarray(i, i + 77)));
    expect(frames).toHaveLength(6);
    for (const frame of frames) expect(frame.length).toBe(FRAME_BYTES);
    const last = framer.flush()!;
    expect(last.length).toBe(FRAME_BYTES);
    expect(Array.from(last.subarray(0, 40))).toEqual(Array.from(bytes.subarray(960)));
    expect(new Set(last.subarray(40))).toEqual(new Set([SILENCE])); // padded with mu-law silence
    const joined = frames.flatMap((frame) => Array.from(frame));
    expect(joined).toEqual(Array.from(bytes.subarray(0, 960)));
    expect(framer.flush()).toBeNull();
  });

  it("does not reuse a frame it has handed out", () => {
    const framer = new Framer();
    const [first] = framer.push(new Uint8Array(160).fill(1));
    framer.push(new Uint8Array(160).fill(2));
    expect(new Set(first)).toEqual(new Set([1]));
  });

  it("base64 round-trips a frame", () => {
    const frame = Uint8Array.from({ length: 160 }, (_, i) => (i * 7) % 256);
    expect(toBase64(frame)).toBe(Buffer.from(frame).toString("base64"));
    expect(Array.from(fromBase64(toBase64(frame)))).toEqual(Array.from(frame));
  });
});
