// Disco balls (noise.glsl is prepended): ray-cast sphere; mirror tiles with hashed normals reflect
// the sky and two lights; thin dark grout between the tiles. The edge's exact coverage of the pixel
// is the alpha (premultiplied): drawn back to front, the balls need no multisampling.
uniform vec3 u_color;
uniform vec3 u_eye;
uniform float u_radius;
uniform float u_pixangle;
uniform sampler2D u_env;     // the sky, equirectangular (env.frag.glsl)
uniform float u_flash;       // a hit: the balls light up (0 between beats)
uniform float u_level;       // loudness in [0, 1]: quiet music, dimmer balls
in vec3 v_world;
flat in vec3 v_center;
flat in float v_angle;
flat in float v_phase;
out vec4 fragColor;

const float PI = 3.14159265;
const float ROWS = 18.0;
uniform vec3 u_key;          // key light direction (unit), fixed relative to the camera
uniform vec3 u_rim;          // rim light direction (unit), from behind the balls
const vec3 C1 = vec3(1.00, 0.96, 0.90);
const vec3 C2 = vec3(0.55, 0.70, 1.00);

vec3 envmap(vec3 d) {
    vec2 uv = vec2(atan(d.z, d.x) / (2.0 * PI) + 0.5, asin(clamp(d.y, -1.0, 1.0)) / PI + 0.5);
    return textureLod(u_env, uv, 0.0).rgb;
}

void main() {
    // Ray from the eye through this pixel against the ball.
    vec3 rd = normalize(v_world - u_eye);
    vec3 oc = u_eye - v_center;
    float tc = -dot(oc, rd);                       // distance to the ray's closest approach
    vec3 off = oc + tc * rd;                       // centre → closest approach
    float d2 = dot(off, off);
    float r2 = u_radius * u_radius;
    float coverage = clamp((u_radius - sqrt(d2)) / (tc * u_pixangle) + 0.5, 0.0, 1.0);
    if (coverage <= 0.0) discard;
    float th = tc - sqrt(max(r2 - d2, 0.0));
    vec3 P = u_eye + th * rd;
    vec3 Ns = normalize(P - v_center);

    // Tile grid on the ball's own (spinning) surface.
    float ca = cos(v_angle), sa = sin(v_angle);
    mat3 spin = mat3(ca, 0.0, -sa, 0.0, 1.0, 0.0, sa, 0.0, ca);
    vec3 n = transpose(spin) * Ns;
    float lat = asin(clamp(n.y, -1.0, 1.0));
    float lon = atan(n.z, n.x);
    float fr = (lat / PI + 0.5) * ROWS;
    float row = min(floor(fr), ROWS - 1.0);
    float latc = ((row + 0.5) / ROWS - 0.5) * PI;
    float cols = max(4.0, floor(2.0 * ROWS * cos(latc) + 0.5));
    float fc = (lon / (2.0 * PI) + 0.5) * cols;
    float col = floor(fc);
    float lonc = ((col + 0.5) / cols - 0.5) * 2.0 * PI;

    // The tile's own flat normal, tilted a little at random: each tile catches light differently.
    float h1 = hash13(vec3(row, col, v_phase * 113.0));
    float h2 = hash13(vec3(col, v_phase * 71.0, row + 17.0));
    vec3 tn = vec3(cos(latc) * cos(lonc), sin(latc), cos(latc) * sin(lonc));
    tn = normalize(tn + 0.22 * (vec3(h1, h2, fract(h1 * 7.0 + h2)) - 0.5));
    vec3 N = spin * tn;

    vec3 V = -rd;
    vec3 R = reflect(rd, N);
    vec3 l1 = u_key, l2 = u_rim;
    float facet = 0.45 + 1.1 * h1 * h2 + 0.3 * h2;               // mirror tiles differ in brightness
    vec3 c = mix(vec3(1.0), u_color, 0.65) * envmap(R) * facet;   // tinted mirror
    c += u_color * (0.08 + 0.50 * max(dot(Ns, l1), 0.0));           // body colour
    c += C1 * 3.0 * pow(max(dot(R, l1), 0.0), 60.0);                // sparkles
    c += C2 * 1.5 * pow(max(dot(R, l2), 0.0), 40.0);
    c += (u_sky * 0.4 + 0.04) * pow(1.0 - max(dot(Ns, V), 0.0), 3.0);  // fresnel rim

    // Grout: dark lines at the tile borders, antialiased; fades out when tiles get tiny.
    float aa = fwidth(fr) * 1.2 + 1e-4;
    float ex = min(fract(fr), 1.0 - fract(fr));
    float ey = min(fract(fc), 1.0 - fract(fc)) * 2.0 * ROWS * cos(lat) / cols;
    float tile = smoothstep(0.06, 0.06 + aa, min(ex, ey));
    c = mix(u_color * 0.05 + 0.01, c, mix(1.0, tile, clamp(0.04 / aa, 0.0, 1.0)));

    c *= 0.45 + 0.55 * u_level;
    c += (0.45 + 0.55 * u_color) * 0.7 * u_flash * (0.6 + 0.8 * h1);   // tiles flash on the hit, dark balls too
    fragColor = vec4(c / (1.0 + 0.25 * max(c - 1.0, 0.0)) * coverage, coverage);
}
