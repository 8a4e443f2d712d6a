"""Voice: audio formats, voice activity detection, speech-to-text and text-to-speech.

The media loop (phone calls and the widget's microphone) codes against the protocols in
``services.voice.speech``; ``speech_stack(settings)`` picks Deepgram when keyed, otherwise the
offline stack (faster-whisper, Piper or espeak-ng).
"""
