// The sky sphere's smoky texture (noise.glsl is prepended), drawn into a half-resolution layer.
in vec3 v_dir;
out vec4 fragColor;

void main() {
    fragColor = vec4(clamp(sky(normalize(v_dir), 5), 0.0, 1.0), 1.0);
}
