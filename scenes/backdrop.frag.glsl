// Puts the half-resolution sky layer behind the balls, with a vignette and dithering.
uniform sampler2D u_layer;
uniform vec2 u_resolution;
uniform vec2 u_origin;      // the panel's lower-left corner in the frame (a viewport)
uniform vec3 u_sky;
uniform float u_level;       // loudness in [0, 1]: quiet music, a darker sky
uniform float u_flash;       // a hit: the light behind the balls flares (0 between beats)
out vec4 fragColor;

void main() {
    vec2 frag = gl_FragCoord.xy - u_origin;   // pixel position within the panel
    vec2 uv = frag / u_resolution;
    vec3 c = texture(u_layer, uv).rgb * (0.3 + 0.7 * u_level);
    vec2 q = uv - 0.5;
    c *= 1.0 - 0.6 * dot(q, q);
    c += (0.05 + 0.95 * u_sky) * (0.10 + 0.30 * u_flash) * exp(-dot(q, q) * 7.0);   // light behind the balls
    vec3 p3 = fract(vec3(frag.xyx) * 0.1031);
    p3 += dot(p3, p3.yzx + 33.33);
    c += (fract((p3.x + p3.y) * p3.z) - 0.5) / 255.0;
    fragColor = vec4(c, 1.0);
}
