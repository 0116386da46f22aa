"""Stage 5: stream rendered frames into ffmpeg and mux them with the track's audio into an MP4."""
