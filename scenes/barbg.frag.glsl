// VIZ-BAR's static backdrop, drawn once per panel size into a texture (bar.frag.glsl reads it):
// a dark gradient (the palette's; blue-violet by default) or a dimmed image, a soft light pool
// behind the bars, a vignette, faint guide lines, and each bar's faint full-length track, which
// shows the scale (bargeom.glsl is prepended).
uniform vec2 u_resolution;
uniform vec3 u_colors[10];    // each bar's colour (the palette's)
uniform vec3 u_low;           // the gradient's bottom and top colours, the light pool's
uniform vec3 u_high;
uniform vec3 u_pool;
uniform sampler2D u_image;    // --background: an image the size of the panel, rows bottom-up
uniform float u_has_image;    // 1: the image replaces the gradient, dimmed so the bars read
out vec4 fragColor;

void main() {
    vec2 frag = gl_FragCoord.xy;
    float px = 1.0 / u_resolution.y;
    vec2 p = frag * px;
    vec2 uv = frag / u_resolution;
    vec3 bg = mix(u_low, u_high, uv.y);
    if (u_has_image > 0.5) bg = texelFetch(u_image, ivec2(frag), 0).rgb * IMAGE_DIM;
    bg += u_pool * exp(-pow(length((uv - vec2(0.5, 0.45)) * vec2(1.3, 2.0)), 2.0) * 2.5);
    bg *= 1.0 - 0.45 * pow(length(uv - 0.5) * 1.25, 2.5);
    float gl = fract((p.y - BASE) / (MAXLEN * 0.1));
    float gridOn = step(BASE, p.y) * step(p.y, BASE + MAXLEN + px);
    bg += vec3(0.018, 0.020, 0.035) * gridOn * (1.0 - smoothstep(0.0, 1.6 * px / (MAXLEN * 0.1), min(gl, 1.0 - gl)));
    float x0, slot;
    slots(u_resolution.x / u_resolution.y, x0, slot);
    int i = int(clamp(floor((p.x - x0) / slot), 0.0, N - 1.0));
    float r = 0.3 * slot * FILL;
    float depth = max(BASE - p.y, 0.0);   // below the baseline: the track's reflection
    vec2 t = vec2(p.x, max(p.y, BASE + depth)) - vec2(x0 + (float(i) + 0.5) * slot,
                                                    BASE + 0.5 * (MAXLEN - r));
    float dt = roundedBox(t, vec2(0.5 * slot * FILL, 0.5 * (MAXLEN + r)), r);
    float shown = p.y >= BASE ? 1.0 : 0.32 * exp(-depth / 0.07) * step(depth, 0.3);
    bg += u_colors[i] * 0.035 * clamp(0.5 - dt / px, 0.0, 1.0) * shown;
    fragColor = vec4(bg, 1.0);
}
