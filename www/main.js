// Minimal page: loads the web build, the bundled sample, and shows the body
// the server would return for the parameters typed above.
import init, { chatsPerDepartment } from '/pkg/web/chats_per_department.js';

const $ = (id) => document.getElementById(id);

async function main() {
  await init();
  const [rooms, departments, range] = await Promise.all(
    ['rooms', 'departments', 'range'].map((name) => fetch(`./sample/${name}.json`).then((r) => r.json())),
  );
  for (const d of departments.departments) $('department').append(new Option(d.name, d._id));
  $('start').value = range.start;
  $('end').value = range.end;
  const update = () => {
    const params = { start: $('start').value, end: $('end').value };
    if ($('department').value) params.departmentId = $('department').value;
    const body = chatsPerDepartment(rooms, departments, params);
    $('raw').textContent = JSON.stringify(body, null, 2);
    const rows = body.success ? Object.entries(body).filter(([k]) => k !== 'success') : [];
    $('chart').tBodies[0].replaceChildren(...rows.map(([name, c]) => {
      const tr = document.createElement('tr');
      for (const text of [name, c.open, c.closed]) tr.insertCell().textContent = String(text);
      return tr;
    }));
  };
  $('controls').addEventListener('input', update);
  update();
  $('status').textContent = `${rooms.rooms.length} sample rooms loaded.`;
}

main().catch((e) => { $('status').textContent = `Failed: ${e.message}`; });
