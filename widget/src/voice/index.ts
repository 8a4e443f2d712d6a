/**
 * Entry point of dist/voice.js, which the widget loads only when the visitor presses the
 * microphone. It adds no global: it hands its module to the widget through an event on its
 * own <script> element.
 */

import { openMicrophone, VoiceCall } from "./call";
import { VOICE_READY_EVENT, type VoiceModule } from "./module";

const voice: VoiceModule = {
  openMicrophone,
  createCall: (options) => new VoiceCall(options),
};

document.currentScript?.dispatchEvent(new CustomEvent(VOICE_READY_EVENT, { detail: voice }));
