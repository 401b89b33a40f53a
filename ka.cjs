const http = require('http');
const agent = new http.Agent({ keepAlive: true });
const req = http.request({ host: '127.0.0.1', port: 4398, path: '/v1beta/models', headers: { 'x-goog-api-key': 'k' }, agent }, (res) => { res.resume(); res.on('end', () => console.log('got', res.statusCode)); });
req.end();
setTimeout(() => {}, 20000);
