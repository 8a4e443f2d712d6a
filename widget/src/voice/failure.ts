/**
 * Why a voice call could not start or went away, and the visitor's words for each (in
 * strings.ts). Shared by the widget script (which shows them) and the voice bundle (which
 * raises them); nothing here weighs on the widget's size.
 */

import type { StringKey } from "../strings";

export type VoiceFailure =
  | "insecure" // no secure context, or no mediaDevices
  | "denied" // the visitor or the browser refused the microphone
  | "no-microphone"
  | "microphone-busy" // another application holds it, or the hardware failed
  | "microphone" // any other getUserMedia failure
  | "unavailable" // the server says voice is not offered
  | "refused" // the call's socket would not open
  | "lost" // the call's socket closed during the call
  | "load"; // the voice code could not be loaded

export class VoiceFailureError extends Error {
  constructor(readonly failure: VoiceFailure) {
    super(failure);
    this.name = "VoiceFailureError";
  }
}

export const FAILURE_MESSAGES: Record<VoiceFailure, StringKey> = {
  insecure: "voiceInsecure",
  denied: "voiceDenied",
  "no-microphone": "voiceNoMicrophone",
  "microphone-busy": "voiceMicrophoneBusy",
  microphone: "voiceMicrophone",
  unavailable: "voiceUnavailable",
  refused: "voiceRefused",
  lost: "voiceLost",
  load: "voiceLoad",
};

/** getUserMedia's DOMException names (and the legacy ones older browsers used). */
export function classifyMediaError(error: unknown): VoiceFailure {
  const name = error && typeof error === "object" && "name" in error ? String((error as { name: unknown }).name) : "";
  // By name, not instanceof: the voice bundle has its own copy of the class.
  if (name === "VoiceFailureError") {
    const failure = (error as { failure?: unknown }).failure;
    return typeof failure === "string" && failure in FAILURE_MESSAGES ? (failure as VoiceFailure) : "microphone";
  }
  switch (name) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return "no-microphone";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "microphone-busy";
    case "TypeError":
      return "insecure";
    default:
      return "microphone";
  }
}
