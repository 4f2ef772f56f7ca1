'use strict';
/**
 * A small real recording: about one second of silent MP3, built once from MPEG-1 Layer III frames.
 * OMICall serves recordings as MP3 (documented: the webhook sample's recording_file_url, and
 * integrations save them as .mp3, observed); silence keeps the file tiny and still playable.
 *
 * Each frame is a 4-byte header followed by zero bytes:
 * - 0xFF 0xFB: frame sync, MPEG-1, Layer III, no CRC;
 * - 0x90: 128 kbit/s, 44,100 Hz, no padding;
 * - 0x64: joint stereo, original.
 * A frame is floor(144 * 128000 / 44100) = 417 bytes long and holds 1,152 samples (26 ms). All-zero
 * side information means no audio data: a decoder plays the frame as silence.
 */
const FRAME_HEADER = Buffer.from([0xff, 0xfb, 0x90, 0x64]);
const FRAME_BYTES = 417;
const SAMPLES_PER_FRAME = 1152;
const SAMPLE_RATE = 44100;

/** @param {number} [frames] 39 frames are one second */
function silentMp3(frames = 39) {
	const file = Buffer.alloc(frames * FRAME_BYTES);
	for (let i = 0; i < frames; i++) FRAME_HEADER.copy(file, i * FRAME_BYTES);
	return file;
}

/** Seconds of audio in `silentMp3(frames)`. */
const mp3Seconds = (frames) => (frames * SAMPLES_PER_FRAME) / SAMPLE_RATE;

module.exports = { silentMp3, mp3Seconds, FRAME_BYTES, FRAME_HEADER };
