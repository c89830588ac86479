extension WebAssets {
    /// The behaviour of app.js after its constants (`scriptHead`). Text is always set with
    /// `textContent` or DOM calls, never parsed from event data, so a hostile kit name stays text.
    static let scriptBody = #"""
        (function () {
          const main = document.querySelector('main[data-page]');
          if (!main) return;
          const page = main.dataset.page;
          const liveMark = document.getElementById('live');

          const label = (s) => String(s).replace(/_/g, ' ');
          const money = (n) => '$' + Number(n || 0).toFixed(2);
          const shortTime = (iso) => String(iso || '').slice(0, 19).replace('T', ' ');
          const qaText = (qa) => {
            if (!qa || !qa.counts) return '—';
            const parts = VERDICTS.filter((v) => qa.counts[v] > 0).map((v) => qa.counts[v] + ' ' + v);
            return parts.length ? parts.join(', ') : '—';
          };
          const el = (tag, props, children) => {
            const node = document.createElement(tag);
            Object.assign(node, props || {});
            (children || []).forEach((c) => node.append(c));
            return node;
          };
          const setText = (node, value) => { if (node) node.textContent = value; };
          const setBadge = (node, status) => {
            if (!node) return;
            node.className = 'badge s-' + status;
            node.textContent = label(status);
          };
          const kitLink = (id) => '/kits/' + encodeURIComponent(id);
          const flash = (message) => {
            let box = document.getElementById('flash');
            if (!box) { box = el('p', { id: 'flash', className: 'flash' }); main.prepend(box); }
            box.textContent = message;
          };
          // One call at a time per key, and one more after it if asked meanwhile: bursts of events coalesce.
          const pending = {};
          const coalesce = (key, work) => {
            if (pending[key]) { pending[key].again = true; return; }
            pending[key] = { again: false };
            Promise.resolve().then(work).catch(() => {}).finally(() => {
              const again = pending[key].again;
              delete pending[key];
              if (again) coalesce(key, work);
            });
          };
          const getJSON = async (url) => {
            const response = await fetch(url, { headers: { Accept: 'application/json' } });
            if (!response.ok) throw new Error(url + ': ' + response.status);
            return response.json();
          };

          // The list: rows patched from each event's kit summary; a new kit gets a row where it belongs.
          const rowCells = (kit) => {
            const bar = el('progress', { max: Math.max(kit.stages_total, 1), value: kit.stages_done });
            return [
              el('td', { className: 'name' }, [el('a', { href: kitLink(kit.id), textContent: kit.kit })]),
              el('td', { className: 'watch', textContent: kit.watch }),
              el('td', { className: 'status' }, [el('span', { className: 'badge' })]),
              el('td', { className: 'progress' }, [bar, ' ', el('span', { className: 'count' })]),
              el('td', { className: 'cost' }), el('td', { className: 'qa' }),
              el('td', { className: 'updated' }, [el('time')]), el('td', { className: 'actions' }),
            ];
          };
          const actionForm = (action, text, dataAction) => {
            const button = el('button', { type: 'submit', textContent: text });
            button.dataset.action = dataAction;
            return el('form', { className: 'action', method: 'post', action: action }, [button]);
          };
          const patchRow = (row, kit) => {
            row.dataset.status = kit.status;
            setBadge(row.querySelector('.status .badge'), kit.status);
            const bar = row.querySelector('progress');
            if (bar) { bar.max = Math.max(kit.stages_total, 1); bar.value = kit.stages_done; }
            setText(row.querySelector('.progress .count'), kit.stages_done + '/' + kit.stages_total);
            setText(row.querySelector('.cost'), money(kit.cost_usd));
            const qa = row.querySelector('.qa');
            if (qa) {
              qa.textContent = qaText(kit.qa);
              qa.classList.toggle('needs-review', !!(kit.qa && kit.qa.counts && kit.qa.counts.fail > 0));
            }
            const time = row.querySelector('.updated time');
            if (time) { time.dateTime = kit.updated_at; time.textContent = shortTime(kit.updated_at); }
            const actions = row.querySelector('.actions');
            if (actions) {
              actions.replaceChildren();
              if (kit.status === 'awaiting_selection') {
                actions.append(el('a', { className: 'choose', href: kitLink(kit.id) + '/select', textContent: 'Choose avatar' }));
              }
              if (kit.status === 'failed' || kit.stages_failed > 0) {
                actions.append(actionForm(kitLink(kit.id) + '/retry', 'Retry', 'retry'));
              }
            }
          };
          const belongsHere = (kit) => main.dataset.firstPage === 'yes' && !main.dataset.filterReview
            && (!main.dataset.filterStatus || main.dataset.filterStatus === kit.status)
            && (!main.dataset.filterWatch || main.dataset.filterWatch === kit.watch);
          const onListEvent = (event) => {
            const row = event.kit_id && main.querySelector('tr[data-kit="' + CSS.escape(event.kit_id) + '"]');
            if (event.type === 'deleted') { if (row) row.remove(); return; }
            const kit = event.kit;
            if (kit && row) patchRow(row, kit);
            if (kit && !row && belongsHere(kit)) {
              const fresh = el('tr', {}, rowCells(kit));
              fresh.dataset.kit = kit.id;
              patchRow(fresh, kit);
              const body = document.getElementById('kit-rows');
              if (body) body.prepend(fresh);
              const empty = document.getElementById('no-kits');
              if (empty) empty.remove();
            }
            coalesce('status', async () => {
              const status = await getJSON(API + '/status');
              main.querySelectorAll('[data-field]').forEach((field) => {
                const value = field.dataset.field.split('.').reduce((o, k) => (o == null ? o : o[k]), status);
                if (value == null) return;
                field.textContent = field.dataset.field === 'spend_today_usd' ? money(value) : String(value);
              });
            });
          };

          // A kit page: the header from the API's detail; cards whose status or published image
          // changed are swapped for the server's own rendering of them (one renderer for both).
          const kitID = main.dataset.kit;
          const refreshCards = async () => {
            const response = await fetch(location.pathname, { headers: { Accept: 'text/html' } });
            if (!response.ok) return;
            const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
            fresh.querySelectorAll('article.stage[data-stage]').forEach((card) => {
              const old = main.querySelector('article.stage[data-stage="' + CSS.escape(card.dataset.stage) + '"]');
              if (!old) { location.reload(); return; }
              const differs = ['status', 'sha', 'qa'].some((key) => old.dataset[key] !== card.dataset[key]);
              if (differs) {
                old.replaceWith(document.importNode(card, true));
              }
            });
            ['.kit-head', '.about'].forEach((selector) => {
              const next = fresh.querySelector(selector);
              const old = main.querySelector(selector);
              if (next && old) old.replaceWith(document.importNode(next, true));
            });
          };
          const patchKit = async () => {
            const kit = await getJSON(API + '/kits/' + encodeURIComponent(kitID));
            main.dataset.status = kit.status;
            setBadge(main.querySelector('.kit-head .badge'), kit.status);
            setText(main.querySelector('.kit-cost'), money(kit.cost_usd));
            setText(main.querySelector('.kit-qa'), qaText(kit.qa));
            const qaCheck = main.querySelector('form.qa-check');
            if (qaCheck) qaCheck.hidden = !FINISHED.includes(kit.status);
            // A card shows what the outbox has: a new image only once the kit is published again.
            const published = PUBLISHED.includes(kit.status);
            const changed = (kit.stages || []).some((stage) => {
              const card = main.querySelector('article.stage[data-stage="' + CSS.escape(stage.stage) + '"]');
              if (!card || card.dataset.status !== stage.status) return true;
              // A check again (refkit qa, "Check again") changes verdicts without a new image.
              if ((card.dataset.qa || '') !== ((stage.qa && stage.qa.verdict) || '')) return true;
              return published && stage.status === 'done' && card.dataset.sha !== (stage.sha256 || '');
            });
            if (changed) await refreshCards();
          };
          // Set once a pick, a deletion or an upload is sent: the page is about to be left, and a
          // reload for an event it caused would race the navigation.
          let leaving = false;
          const onKitEvent = (event) => {
            if (event.kit_id !== kitID || leaving) return;
            if (event.type === 'deleted') { location.href = '/'; return; }
            const log = document.getElementById('event-log');
            if (log && !log.querySelector('[data-event="' + event.id + '"]')) {
              const words = [event.subject, event.code, event.message].filter((w) => w != null).join(' · ');
              const item = el('li', {}, [el('time', { dateTime: event.at, textContent: shortTime(event.at) }), ' ',
                el('b', { textContent: event.type }), ' ' + words]);
              item.dataset.event = event.id;
              log.append(item);
            }
            if (event.type === 'qa_recheck_failed') flash('Check again failed: ' + [event.code, event.message].filter(Boolean).join(': '));
            if (page === 'kit') coalesce('kit', patchKit);
            else if (page === 'select') coalesce('select', async () => { location.reload(); });
          };

          // Buttons: the JSON API by fetch, then the page follows; if the API cannot be reached the form posts itself.
          const kitOfForm = (form) => {
            const match = new URL(form.action, location.href).pathname.match(/^\/kits\/([^/]+)/);
            return match ? decodeURIComponent(match[1]) : null;
          };
          const send = async (method, url, body) => {
            const init = { method: method, headers: { Accept: 'application/json' } };
            if (body instanceof FormData) init.body = body;
            else if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
            return fetch(url, init);
          };
          const explain = async (response) => {
            const text = await response.text();
            try {
              const json = JSON.parse(text);
              const error = json.error || json;
              flash([error.message || error.code || text, error.detail].filter(Boolean).join(': '));
            } catch (e) { flash(text || String(response.status)); }
          };
          document.addEventListener('submit', async (event) => {
            const form = event.target;
            const button = event.submitter;
            const action = button && button.dataset.action;
            if (!action || form.dataset.native === 'yes') return;
            event.preventDefault();
            leaving = action === 'select' || action === 'delete' || action === 'upload';
            const id = kitOfForm(form);
            const base = API + '/kits/' + encodeURIComponent(id || '');
            let response;
            try {
              if (action === 'regenerate') response = await send('POST', base + '/regenerate', { stages: [form.elements.stage.value] });
              else if (action === 'retry') response = await send('POST', base + '/retry');
              else if (action === 'qa') {
                const judge = form.elements.judge;
                response = await send('POST', base + '/qa', { judge: !!(judge && judge.checked) });
              }
              else if (action === 'delete') response = await send('DELETE', base);
              else if (action === 'select') {
                const remake = form.elements.remake;
                response = await send('POST', base + '/select', { candidate: Number(button.value), remake: !!(remake && remake.checked) });
              } else if (action === 'upload') {
                // The form's own fields (a dropped file is in its file input): the API reads them as the no-script post does.
                response = await send('POST', API + '/orders', new FormData(form));
              } else return;
            } catch (e) {
              form.dataset.native = 'yes';
              form.requestSubmit(button);
              return;
            }
            if (!response.ok) {
              leaving = false;
              await explain(response);
              return;
            }
            if (action === 'delete' || action === 'upload') location.href = '/';
            else if (action === 'select') location.href = kitLink(id);
            else if (action === 'qa') {
              flash('Checking the references again: the verdicts appear when the check ends');
              coalesce('kit', patchKit);
            }
            else if (page === 'kit') coalesce('kit', patchKit);
          });

          // The selection screen: number keys pick.
          if (page === 'select') {
            document.addEventListener('keydown', (event) => {
              if (event.target.closest && event.target.closest('input, textarea, select')) return;
              if (!/^[1-9]$/.test(event.key)) return;
              const button = main.querySelector('button[data-candidate="' + event.key + '"]:not([disabled])');
              if (button) { event.preventDefault(); button.click(); }
            });
          }

          // The upload page: a dropped file goes into the file input, with a preview (a data: URL, which the CSP allows).
          const drop = document.getElementById('drop-zone');
          const input = document.getElementById('image-input');
          const preview = document.getElementById('drop-preview');
          const show = (file) => {
            if (!preview || !file) return;
            const reader = new FileReader();
            reader.onload = () => { preview.src = reader.result; preview.hidden = false; };
            reader.readAsDataURL(file);
          };
          if (drop && input) {
            ['dragenter', 'dragover'].forEach((name) => drop.addEventListener(name, (event) => {
              event.preventDefault();
              drop.classList.add('over');
            }));
            ['dragleave', 'drop'].forEach((name) => drop.addEventListener(name, () => drop.classList.remove('over')));
            drop.addEventListener('drop', (event) => {
              event.preventDefault();
              if (!event.dataTransfer || !event.dataTransfer.files.length) return;
              input.files = event.dataTransfer.files;
              show(input.files[0]);
            });
            input.addEventListener('change', () => show(input.files[0]));
          }

          // The event stream: the browser reconnects by itself and sends Last-Event-ID, so nothing is missed or repeated.
          const handlers = { list: onListEvent, kit: onKitEvent, select: onKitEvent };
          const handle = handlers[page];
          if (!handle || !window.EventSource) {
            if (liveMark) liveMark.hidden = true;
            return;
          }
          // From the event the page was read at; a reconnect then resumes from Last-Event-ID by itself.
          const after = main.dataset.after;
          const stream = new EventSource(EVENTS + (after ? '?after=' + encodeURIComponent(after) : ''));
          const setLive = (on) => {
            if (!liveMark) return;
            liveMark.dataset.live = on ? 'on' : 'off';
            liveMark.textContent = on ? 'live' : 'reconnecting';
          };
          stream.onopen = () => setLive(true);
          stream.onerror = () => setLive(false);
          const receive = (message) => {
            let event;
            try { event = JSON.parse(message.data); } catch (e) { return; }
            if (event && typeof event === 'object') handle(event);
          };
          EVENT_TYPES.forEach((type) => stream.addEventListener(type, receive));
          // The server kept too few events to replay the gap: the page reads the store again.
          stream.addEventListener('reset', () => location.reload());
          stream.onmessage = receive;
        })();

        """#
}
