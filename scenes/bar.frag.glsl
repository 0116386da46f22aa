// VIZ-BAR: 10 rounded, bevelled bars with a palette, glow, reflection and peak markers.
uniform vec2 u_resolution;
uniform vec2 u_origin;      // the panel's lower-left corner in the frame (a viewport)
uniform float u_values[10];
uniform float u_peaks[10];
uniform float u_pulse;       // a hit: 0 between beats, about 1 in the frame of a strong onset
uniform sampler2D u_background;  // the static backdrop (barbg.frag.glsl), one texel per pixel
uniform vec3 u_colors[10];   // each bar's colour (the palette's), computed once
out vec4 fragColor;

// Signed distance to bar i at point p (units: screen heights) and its size.
float barDist(int i, vec2 p, float x0, float slot, out vec2 local, out float len) {
    // Rounded at the top; the box reaches below the baseline by r, where it is not drawn.
    len = u_values[i] * MAXLEN;
    float w = slot * FILL;
    float r = min(0.3 * w, len);
    vec2 c = vec2(x0 + (float(i) + 0.5) * slot, BASE + 0.5 * (len - r));
    local = p - c;
    return roundedBox(local, vec2(0.5 * w, 0.5 * (len + r)), r);
}

// Colour of the scene's bars (with glow) at p; alpha-like coverage returned in cov.
vec3 bars(vec2 p, float px, float x0, float slot, bool peaks, out float cov) {
    // This pixel's bar and the neighbour on its side (the only ones whose glow reaches it).
    float fx = (p.x - x0) / slot;
    int i = int(clamp(floor(fx), 0.0, N - 1.0));
    int j = clamp(fract(fx) < 0.5 ? i - 1 : i + 1, 0, 9);
    vec3 col = vec3(0.0);
    cov = 0.0;
    vec2 local; float len;
    // The neighbour's body, rim and peak marker stay in its own slot: only its glow reaches here.
    if (j != i && p.y <= BASE + u_values[j] * MAXLEN + REACH) {
        float d = barDist(j, p, x0, slot, local, len);
        col += u_colors[j] * (0.22 + 0.45 * u_pulse) * exp(-max(d, 0.0) / 0.022)
             * smoothstep(0.0, 0.02, len);
    }
    // Above the bar's glow and its peak marker there is nothing of this bar to draw.
    if (p.y > BASE + max(u_values[i] * MAXLEN + REACH, u_peaks[i] * MAXLEN + 0.02 + px)) return col;
    vec3 base = u_colors[i];
    float d = barDist(i, p, x0, slot, local, len);
    float h = clamp((p.y - BASE) / MAXLEN, 0.0, 1.0);
    // Vertical gradient (deep at the foot, bright at the tip) and a cylindrical bevel.
    vec3 c = mix(base * 0.45, base * 1.15 + 0.08, h) * (1.0 + 0.3 * u_pulse);
    float u = local.x / (0.5 * slot * FILL);            // -1..1 across the bar
    c *= 0.62 + 0.45 * sqrt(max(1.0 - u * u, 0.0));
    c += vec3(0.9) * 0.28 * exp(-(u + 0.45) * (u + 0.45) * 25.0);   // specular stripe
    float a = clamp(0.5 - d / px, 0.0, 1.0) * step(0.0005, len);
    // Light rim just inside the edge.
    c += base * 0.35 * smoothstep(-3.0 * px, 0.0, d) * a;
    col = mix(col, c, a);
    cov = max(cov, a);
    // Soft glow outside the bar.
    float g = exp(-max(d, 0.0) / 0.022) * (1.0 - a) * smoothstep(0.0, 0.02, len);
    col += base * (0.22 + 0.45 * u_pulse) * g;
    // Peak marker: a thin pill that holds the recent maximum, then falls.
    float py = BASE + u_peaks[i] * MAXLEN + 0.012;
    vec2 q = p - vec2(x0 + (float(i) + 0.5) * slot, py);
    float dp = roundedBox(q, vec2(0.5 * slot * FILL, 0.0045), 0.0045);
    float ap = clamp(0.5 - dp / px, 0.0, 1.0) * step(0.005, u_peaks[i]) * float(peaks);
    col = mix(col, mix(base, vec3(1.0), 0.55), ap);
    cov = max(cov, ap);
    return col;
}

float hash12(vec2 p) {
    vec3 p3 = fract(vec3(p.xyx) * 0.1031);
    p3 += dot(p3, p3.yzx + 33.33);
    return fract((p3.x + p3.y) * p3.z);
}

void main() {
    vec2 frag = gl_FragCoord.xy - u_origin;   // pixel position within the panel
    float px = 1.0 / u_resolution.y;
    vec2 p = frag * px;                       // y in [0, 1], x in [0, aspect]
    float aspect = u_resolution.x / u_resolution.y;
    float x0, slot;
    slots(aspect, x0, slot);
    float width = slot * N;

    // The static backdrop (gradient, light pool, vignette, guide lines, tracks), drawn once.
    vec3 bg = texelFetch(u_background, ivec2(frag), 0).rgb;

    vec3 col = bg;
    float cov;
    if (p.y >= BASE) {
        if (p.y < BASE + MAXLEN + 0.12) {
            vec3 c = bars(p, px, x0, slot, true, cov);
            col = bg * (1.0 - cov) + c;
        }
    } else if (p.y > BASE - 0.3) {
        // Reflection on a glossy floor: mirrored bars, fading with depth.
        float depth = BASE - p.y;
        vec3 c = bars(vec2(p.x, BASE + depth), px, x0, slot, false, cov);
        col = bg + c * 0.32 * exp(-depth / 0.07);
    }
    // Thin baseline.
    float line = clamp(1.0 - abs(p.y - BASE) / (1.2 * px), 0.0, 1.0);
    float span = smoothstep(x0 - 0.02, x0 + 0.02, p.x) * smoothstep(x0 + width + 0.02, x0 + width - 0.02, p.x);
    col = mix(col, vec3(0.55, 0.58, 0.75), line * span * 0.8);

    col += (hash12(frag) - 0.5) / 255.0;     // dither against banding
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
